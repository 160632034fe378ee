package dev.jllm.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An instance running models in this JVM with the jllm engine.
 *
 * @param model       the model to serve when the instance starts: a file path (.gguf), a model store name or a
 *                    Hugging Face reference; null to start empty and {@code serve} a model later
 * @param threads     worker threads for the kernels; 0 = one per available processor
 * @param contextSize tokens of context per sequence; 0 = the model's own (the engine may cap it to fit memory)
 * @param batchSize   prompt tokens processed per forward step during prefill
 * @param parallel    how many sequences are decoded together at most
 * @param kvType      the KV cache element type: "f32", "f16" (half the memory) or "q8_0" (about a quarter, for head
 *                    widths that are multiples of 32); "auto" lets the engine choose (f16, as llama.cpp); another
 *                    value is refused when the instance is created
 * @param options     further engine options not typed yet, as strings; the engine rejects keys it does not know
 */
public record LocalConfig(String model, int threads, int contextSize, int batchSize, int parallel, String kvType,
                          Map<String, String> options) implements LlmConfig {

    public static final int DEFAULT_BATCH_SIZE = 512;
    public static final int DEFAULT_PARALLEL = 4;
    public static final String AUTO = "auto";

    public LocalConfig {
        model = model == null || model.isBlank() ? null : model.strip();
        if (threads < 0) {
            throw LlmException.invalid("threads must be 0 (auto) or positive, got " + threads);
        }
        if (contextSize < 0) {
            throw LlmException.invalid("context_size must be 0 (model default) or positive, got " + contextSize);
        }
        if (batchSize <= 0) {
            throw LlmException.invalid("batch_size must be positive, got " + batchSize);
        }
        if (parallel <= 0) {
            throw LlmException.invalid("parallel must be positive, got " + parallel);
        }
        kvType = kvType == null || kvType.isBlank() ? AUTO : kvType.strip();
        options = options == null ? Map.of() : Map.copyOf(new TreeMap<>(options));
    }

    /** An empty instance with default settings. */
    public static LocalConfig defaults() {
        return new LocalConfig(null, 0, 0, DEFAULT_BATCH_SIZE, DEFAULT_PARALLEL, AUTO, Map.of());
    }

    /** Default settings serving the given model. */
    public static LocalConfig of(String model) {
        return defaults().withModel(model);
    }

    public LocalConfig withModel(String v) {
        return new LocalConfig(v, threads, contextSize, batchSize, parallel, kvType, options);
    }

    public LocalConfig withThreads(int v) {
        return new LocalConfig(model, v, contextSize, batchSize, parallel, kvType, options);
    }

    public LocalConfig withContextSize(int v) {
        return new LocalConfig(model, threads, v, batchSize, parallel, kvType, options);
    }

    public LocalConfig withBatchSize(int v) {
        return new LocalConfig(model, threads, contextSize, v, parallel, kvType, options);
    }

    public LocalConfig withParallel(int v) {
        return new LocalConfig(model, threads, contextSize, batchSize, v, kvType, options);
    }

    public LocalConfig withKvType(String v) {
        return new LocalConfig(model, threads, contextSize, batchSize, parallel, v, options);
    }

    /** A copy with one more engine option (replacing an earlier value for the key). */
    public LocalConfig withOption(String key, String value) {
        Map<String, String> m = new LinkedHashMap<>(options);
        m.put(key, value);
        return new LocalConfig(model, threads, contextSize, batchSize, parallel, kvType, m);
    }

    /** The thread count to use: {@link #threads()} or, when 0, the available processors. */
    public int effectiveThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    @Override
    public String type() {
        return LOCAL;
    }

    @Override
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        if (model != null) {
            m.put(ConfigOptions.MODEL, model);
        }
        m.put(ConfigOptions.THREADS, Integer.toString(threads));
        m.put(ConfigOptions.CONTEXT_SIZE, Integer.toString(contextSize));
        m.put(ConfigOptions.BATCH_SIZE, Integer.toString(batchSize));
        m.put(ConfigOptions.PARALLEL, Integer.toString(parallel));
        m.put(ConfigOptions.KV_TYPE, kvType);
        m.putAll(options);
        return m;
    }
}
