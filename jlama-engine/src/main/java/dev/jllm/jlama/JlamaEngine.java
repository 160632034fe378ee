package dev.jllm.jlama;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.hf.HfModelDirectory;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What jlama offers in this JVM, for {@code jllm show} and instance info, without loading a model. */
public final class JlamaEngine {

    /** The {@code model_type}s jlama 0.8.4 runs. */
    public static final List<String> MODEL_TYPES =
            List.of("gemma", "gemma2", "mistral", "granite", "mixtral", "llama", "gpt2", "bert", "qwen2");

    private JlamaEngine() { }

    /** jlama's kernels here: "native (jlama-native, 512-bit)" or "java (Vector API, 256-bit)". */
    public static String kernels() {
        JlamaRuntime.init();
        return JlamaRuntime.kernels();
    }

    /** Why jlama cannot run this Hugging Face directory here, or empty when it can (as far as config.json tells). */
    public static Optional<String> whyNot(Path dir) {
        JlamaRuntime.init();
        JsonObject c;
        try {
            c = HfModelDirectory.readJson(dir.resolve(HfModelDirectory.CONFIG));
        } catch (IOException | ModelFormatException e) {
            return Optional.of("cannot read " + dir.resolve(HfModelDirectory.CONFIG) + ": " + e.getMessage());
        }
        String type = c.get("model_type") instanceof JsonString s ? s.getString().toLowerCase(Locale.ROOT) : null;
        if (type == null) {
            return Optional.of("config.json has no model_type");
        }
        if (!MODEL_TYPES.contains(type)) {
            return Optional.of("unsupported architecture: model_type '" + type + "' (jlama runs "
                    + String.join(", ", MODEL_TYPES) + ")");
        }
        int head;
        if (c.get("head_dim") instanceof JsonNumber h) {
            head = h.intValue();
        } else if (c.get("hidden_size") instanceof JsonNumber w && c.get("num_attention_heads") instanceof JsonNumber n
                && n.intValue() > 0) {
            head = w.intValue() / n.intValue();
        } else {
            return Optional.empty(); // jlama's own load names what is missing
        }
        int lanes = JlamaRuntime.lanes();
        if (head % lanes != 0) {
            return Optional.of("its head size " + head + " is not a multiple of the " + lanes + " float lanes of"
                    + " jlama's " + JlamaRuntime.kernels() + " kernels, which compute such heads wrongly (start the"
                    + " JVM with -XX:MaxVectorSize=32 -D" + JlamaRuntime.NATIVE_PROPERTY + "=false for 8-lane kernels)");
        }
        return Optional.empty();
    }
}
