package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.chat.ChatTemplate;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.LlamaModel;
import dev.jllm.runtime.sampling.SamplingParams;
import dev.jllm.runtime.tokenizer.Tokenizer;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * A model loaded for generation: the mapped file, the network, its tokenizer and chat template, and the
 * context each sequence may use. Closing it releases the mapping.
 */
public final class LocalModel implements AutoCloseable {
    private final String id;
    private final Path path;
    private final GgufFile gguf;
    private final AutoCloseable weights;
    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final ChatTemplate chatTemplate;
    private final boolean builtInTemplate;
    private final Set<Integer> endOfGeneration;
    private final int contextSize;
    private final long loadNanos;
    private final SamplingParams samplingDefaults;

    private LocalModel(String id, Path path, GgufFile gguf, AutoCloseable weights, LlamaModel model, Tokenizer tokenizer,
                       ChatTemplate chatTemplate, boolean builtInTemplate, int contextSize, long loadNanos,
                       Collection<Integer> extraEndOfGeneration, SamplingParams samplingDefaults) {
        this.samplingDefaults = samplingDefaults;
        this.id = id;
        this.path = path;
        this.gguf = gguf;
        this.weights = weights;
        this.model = model;
        this.tokenizer = tokenizer;
        this.chatTemplate = chatTemplate;
        this.builtInTemplate = builtInTemplate;
        this.contextSize = contextSize;
        this.loadNanos = loadNanos;
        Set<Integer> eog = new HashSet<>();
        for (int t = 0; t < tokenizer.vocabSize(); t++) {
            if (tokenizer.isEndOfGeneration(t)) {
                eog.add(t);
            }
        }
        for (int t : extraEndOfGeneration) {
            if (t >= 0 && t < tokenizer.vocabSize()) {
                eog.add(t);
            }
        }
        this.endOfGeneration = Set.copyOf(eog);
    }

    /**
     * Loads a GGUF model, or a Hugging Face model directory (config.json, safetensors, tokenizer.json).
     *
     * @param id          the name requests use for it
     * @param threads     kernel threads (0 = available processors)
     * @param contextSize tokens per sequence (0 = the model's training context)
     * @throws LlmException NOT_FOUND for a missing file, INVALID_REQUEST for a file jllm cannot run
     */
    public static LocalModel load(String id, Path path, int threads, int contextSize) {
        return load(id, path, threads, contextSize, null);
    }

    /**
     * Loads a model, quantizing its float matrices to {@code quantize} (Q8_0 or Q4_0; null keeps the weights
     * as they are): speed and memory over exactness.
     */
    public static LocalModel load(String id, Path path, int threads, int contextSize, GgmlType quantize) {
        long t0 = System.nanoTime();
        EngineOptions options = EngineOptions.defaults();
        if (threads > 0) {
            options = options.withThreads(threads);
        }
        ModelFiles f = ModelFiles.open(path, options, quantize);
        int ctx = contextSize > 0 ? contextSize : f.network().config().contextLength();
        return new LocalModel(id, path, f.gguf(), f.weights(), f.network(), f.tokenizer(), f.chatTemplate(),
                f.builtInTemplate(), ctx, System.nanoTime() - t0, f.extraEndOfGeneration(), f.samplingDefaults());
    }

    public String id() {
        return id;
    }

    public Path path() {
        return path;
    }

    /** The GGUF file, or null for a model loaded from a Hugging Face directory. */
    public GgufFile gguf() {
        return gguf;
    }

    public LlamaModel network() {
        return model;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ChatTemplate chatTemplate() {
        return chatTemplate;
    }

    /** Whether the chat template came from the file (false: a fallback chosen from the vocabulary). */
    public boolean hasBuiltInTemplate() {
        return builtInTemplate;
    }

    public Set<Integer> endOfGenerationTokens() {
        return endOfGeneration;
    }

    /** Tokens of context per sequence: prompt and generated tokens together. */
    public int contextSize() {
        return contextSize;
    }

    /** Sampling settings for request fields left unset: llama.cpp's, or an HF model's generation_config.json. */
    public SamplingParams samplingDefaults() {
        return samplingDefaults;
    }

    public long loadNanos() {
        return loadNanos;
    }

    @Override
    public void close() {
        model.close();
        try {
            weights.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot release the weights of " + path, e);
        }
    }
}
