package dev.jllm.jlama;

import dev.jllm.api.EngineConfig;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@code jlama} instance: models run in this JVM by jlama ({@code com.github.tjake:jlama-core}).
 *
 * @param model       the model to serve when the instance starts: a Hugging Face safetensors directory, a model in
 *                    jllm's store, or a Hub reference {@code owner/repo} (pulled into the store); null to start
 *                    empty and {@code serve} later
 * @param threads     jlama's worker threads; 0 = jlama's default (half the processors). jlama has one pool per
 *                    process, so every jlama instance of a JVM runs with the first count set
 * @param contextSize tokens of context per request; 0 = the model's own (a larger value is capped to it)
 * @param quantize    jlama's working quantization type for activations: {@code i8} (jlama's default, Q8 dot
 *                    products against quantized weights), {@code f32} or {@code bf16}
 */
public record JlamaConfig(String model, int threads, int contextSize, String quantize) implements EngineConfig {

    public static final String TYPE = "jlama";
    public static final String MODEL = "model";
    public static final String THREADS = "threads";
    public static final String CONTEXT_SIZE = "context_size";
    public static final String QUANTIZE = "quantize";
    /** The working quantization types jlama offers. */
    public static final List<String> QUANTIZE_TYPES = List.of("i8", "f32", "bf16");
    private static final List<String> KEYS = List.of(MODEL, THREADS, CONTEXT_SIZE, QUANTIZE);

    public JlamaConfig {
        model = model == null || model.isBlank() ? null : model.strip();
        if (threads < 0 || threads > Runtime.getRuntime().availableProcessors()) {
            throw LlmException.invalid("threads must be 0 (jlama's default) or between 1 and the "
                    + Runtime.getRuntime().availableProcessors() + " processors, got " + threads);
        }
        if (contextSize < 0) {
            throw LlmException.invalid("context_size must be 0 (model default) or positive, got " + contextSize);
        }
        quantize = quantize == null || quantize.isBlank() ? "i8" : quantize.strip().toLowerCase(Locale.ROOT);
        if (!QUANTIZE_TYPES.contains(quantize)) {
            throw LlmException.invalid("quantize must be one of " + String.join(", ", QUANTIZE_TYPES)
                    + " (jlama's working types), got '" + quantize + "'");
        }
    }

    /** An empty instance with default settings. */
    public static JlamaConfig defaults() {
        return new JlamaConfig(null, 0, 0, null);
    }

    /** Default settings serving the given model. */
    public static JlamaConfig of(String model) {
        return defaults().withModel(model);
    }

    public JlamaConfig withModel(String v) {
        return new JlamaConfig(v, threads, contextSize, quantize);
    }

    public JlamaConfig withThreads(int v) {
        return new JlamaConfig(model, v, contextSize, quantize);
    }

    public JlamaConfig withContextSize(int v) {
        return new JlamaConfig(model, threads, v, quantize);
    }

    public JlamaConfig withQuantize(String v) {
        return new JlamaConfig(model, threads, contextSize, v);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        if (model != null) {
            m.put(MODEL, model);
        }
        m.put(THREADS, Integer.toString(threads));
        m.put(CONTEXT_SIZE, Integer.toString(contextSize));
        m.put(QUANTIZE, quantize);
        return m;
    }

    /**
     * Reads the options {@link #toMap()} writes ({@link LlmConfig#fromMap} with type "jlama" comes here).
     *
     * @throws LlmException INVALID_REQUEST naming an unknown key or a bad value
     */
    public static JlamaConfig fromMap(Map<String, String> options) {
        Map<String, String> o = options == null ? Map.of() : options;
        Set<String> unknown = new TreeSet<>(o.keySet());
        KEYS.forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            throw LlmException.invalid("unknown option" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown.stream().map(k -> "'" + k + "'").toList())
                    + " for jlama instances; known: " + String.join(", ", KEYS));
        }
        return new JlamaConfig(o.get(MODEL), intOption(o, THREADS), intOption(o, CONTEXT_SIZE), o.get(QUANTIZE));
    }

    /** This config as it is, or another config of type jlama (e.g. a {@link dev.jllm.api.ProviderConfig}) read. */
    public static JlamaConfig from(LlmConfig config) {
        if (config instanceof JlamaConfig j) {
            return j;
        }
        if (config == null || !TYPE.equals(config.type())) {
            throw LlmException.invalid("a jlama instance needs a jlama config, got "
                    + (config == null ? "none" : config.type()));
        }
        return fromMap(config.toMap());
    }

    private static int intOption(Map<String, String> o, String key) {
        String v = o.get(key);
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw LlmException.invalid("option '" + key + "' must be an integer, got '" + v + "'");
        }
    }
}
