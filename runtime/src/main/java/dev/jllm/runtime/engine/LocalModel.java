package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.gguf.GgmlType;
import dev.jllm.runtime.hf.HfCheckpoint;
import dev.jllm.runtime.model.ModelConfig;
import dev.jllm.runtime.model.WeightSource;
import dev.jllm.runtime.sampling.SamplingParams;
import dev.jllm.runtime.quant.QuantizingWeightSource;
import dev.jllm.runtime.chat.ChatTemplate;
import dev.jllm.runtime.chat.ChatTemplateException;
import dev.jllm.runtime.chat.FallbackTemplates;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.LlamaModel;
import dev.jllm.runtime.tokenizer.Tokenizer;
import dev.jllm.runtime.tokenizer.Tokenizers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
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
        if (Files.isDirectory(path)) {
            return loadHf(id, path, options(threads), contextSize, quantize, t0);
        }
        GgufFile gguf;
        try {
            gguf = GgufFile.open(path);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new LlmException(LlmException.Kind.NOT_FOUND, "model file " + path + " does not exist");
        } catch (IOException e) {
            throw new LlmException(LlmException.Kind.UNAVAILABLE, "cannot read model file " + path + ": " + e.getMessage(), e);
        } catch (ModelFormatException e) {
            throw new LlmException(LlmException.Kind.INVALID_REQUEST, "cannot load " + path + ": " + e.getMessage(), e);
        }
        try {
            LlamaModel model = LlamaModel.load(quantized(WeightSource.of(gguf), quantize), ModelConfig.fromGguf(gguf),
                    options(threads));
            Tokenizer tokenizer = Tokenizers.fromGguf(gguf);
            String source = gguf.string("tokenizer.chat_template", null);
            boolean builtIn = source != null;
            if (source == null) {
                source = FallbackTemplates.forVocabulary(t -> tokenizer.tokenId(t) >= 0);
            }
            String bos = tokenizer.bos() >= 0 ? tokenizer.tokenText(tokenizer.bos()) : null;
            String eos = tokenizer.eos() >= 0 ? tokenizer.tokenText(tokenizer.eos()) : null;
            ChatTemplate template = ChatTemplate.of(source, bos, eos);
            int trained = model.config().contextLength();
            int ctx = contextSize > 0 ? contextSize : trained;
            return new LocalModel(id, path, gguf, gguf, model, tokenizer, template, builtIn, ctx, System.nanoTime() - t0,
                    List.of(), SamplingParams.defaults());
        } catch (ModelFormatException | ChatTemplateException e) {
            gguf.close();
            throw new LlmException(LlmException.Kind.INVALID_REQUEST, "cannot load " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            gguf.close();
            throw e;
        }
    }

    private static EngineOptions options(int threads) {
        EngineOptions options = EngineOptions.defaults();
        return threads > 0 ? options.withThreads(threads) : options;
    }

    /** {@code source}, or a view of it quantizing float matrices when {@code quantize} is set. */
    private static WeightSource quantized(WeightSource source, GgmlType quantize) {
        return quantize == null ? source : new QuantizingWeightSource(source, quantize);
    }

    /** The HF twin of the GGUF path above: same errors, weights mapped from the safetensors files. */
    private static LocalModel loadHf(String id, Path path, EngineOptions options, int contextSize, GgmlType quantize,
                                     long t0) {
        HfCheckpoint hf;
        try {
            hf = HfCheckpoint.open(path);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new LlmException(LlmException.Kind.NOT_FOUND, "cannot load " + path + ": " + e.getFile()
                    + " does not exist" + (e.getReason() == null ? "" : " (" + e.getReason() + ")"));
        } catch (IOException e) {
            throw new LlmException(LlmException.Kind.UNAVAILABLE, "cannot read model directory " + path + ": " + e.getMessage(), e);
        } catch (ModelFormatException e) {
            throw new LlmException(LlmException.Kind.INVALID_REQUEST, "cannot load " + path + ": " + e.getMessage(), e);
        }
        try {
            LlamaModel model = hf.load(quantized(hf.weights(), quantize), options);
            Tokenizer tokenizer = Tokenizers.fromVocab(hf.vocab());
            String source = hf.chatTemplate().orElse(null);
            boolean builtIn = source != null;
            if (source == null) {
                source = FallbackTemplates.forVocabulary(t -> tokenizer.tokenId(t) >= 0);
            }
            String bos = tokenizer.bos() >= 0 ? tokenizer.tokenText(tokenizer.bos()) : null;
            String eos = tokenizer.eos() >= 0 ? tokenizer.tokenText(tokenizer.eos()) : null;
            ChatTemplate template = ChatTemplate.of(source, bos, eos);
            int ctx = contextSize > 0 ? contextSize : model.config().contextLength();
            return new LocalModel(id, path, null, hf, model, tokenizer, template, builtIn, ctx, System.nanoTime() - t0,
                    hf.eosIds(), hf.samplingDefaults(SamplingParams.defaults()));
        } catch (ModelFormatException | ChatTemplateException e) {
            hf.close();
            throw new LlmException(LlmException.Kind.INVALID_REQUEST, "cannot load " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            hf.close();
            throw e;
        }
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
