package dev.jllm.server;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * One {@code --model REF [--alias NAME]} of {@code jllm serve}.
 *
 * @param ref   what to load: a .gguf path, a model store name or a Hugging Face reference
 * @param alias the instance name clients use for it, or null to derive one from the reference
 */
public record ModelSpec(String ref, String alias) {

    public ModelSpec {
        Objects.requireNonNull(ref, "ref");
        if (ref.isBlank()) {
            throw new IllegalArgumentException("a model reference must not be blank");
        }
        alias = alias == null || alias.isBlank() ? null : alias.strip();
    }

    /**
     * The instance name: the alias, else the reference's last path segment without a .gguf extension, with
     * characters an instance name cannot hold replaced by '-'.
     */
    public String instanceName() {
        if (alias != null) {
            return alias;
        }
        String s = ref.strip();
        int cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        if (cut >= 0 && cut < s.length() - 1) {
            s = s.substring(cut + 1);
        } else {
            try {
                Path name = Path.of(s).getFileName();
                s = name == null ? s : name.toString();
            } catch (RuntimeException ignored) {
                // not a path: keep the reference as it is
            }
        }
        if (s.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            s = s.substring(0, s.length() - 5);
        }
        s = s.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (s.isEmpty()) {
            s = "model";
        }
        return s.length() > 64 ? s.substring(0, 64) : s;
    }
}
