package dev.jllm.server.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * One {@code --model REF [--alias NAME] [--quantize TYPE] [--chat-template-file FILE]} of {@code jllm serve}.
 *
 * @param ref      what to load: a .gguf path, a Hugging Face model directory, a model store name or a Hugging
 *                 Face reference
 * @param alias    the instance name clients use for it, or null to derive one from the reference
 * @param quantize q8_0 or q4_0 to quantize float weights at load time, or null
 * @param chatTemplateFile a Jinja chat template file used instead of the model's own, or null
 */
public record ModelSpec(String ref, String alias, String quantize, String chatTemplateFile) {

    public ModelSpec {
        Objects.requireNonNull(ref, "ref");
        if (ref.isBlank()) {
            throw new IllegalArgumentException("a model reference must not be blank");
        }
        alias = alias == null || alias.isBlank() ? null : alias.strip();
        quantize = quantize == null || quantize.isBlank() ? null : quantize.strip().toLowerCase(Locale.ROOT);
        if (quantize != null && !quantize.equals("q8_0") && !quantize.equals("q4_0")) {
            throw new IllegalArgumentException("--quantize must be q8_0 or q4_0, got '" + quantize + "'");
        }
        chatTemplateFile = chatTemplateFile == null || chatTemplateFile.isBlank() ? null : chatTemplateFile.strip();
        if (chatTemplateFile != null && !java.nio.file.Files.isRegularFile(Path.of(chatTemplateFile))) {
            throw new IllegalArgumentException("--chat-template-file " + chatTemplateFile + " is not a file");
        }
    }

    /** A model loaded as it is (no load-time quantization). */
    public ModelSpec(String ref, String alias) {
        this(ref, alias, null, null);
    }

    /** A model with its own chat template. */
    public ModelSpec(String ref, String alias, String quantize) {
        this(ref, alias, quantize, null);
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
