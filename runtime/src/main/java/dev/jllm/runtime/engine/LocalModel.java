package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.chat.ChatTemplate;
import dev.jllm.runtime.chat.ChatTemplateException;
import dev.jllm.runtime.chat.FallbackTemplates;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.LlamaModel;
import dev.jllm.runtime.tokenizer.Tokenizer;
import dev.jllm.runtime.tokenizer.Tokenizers;

import java.io.IOException;
import java.nio.file.Path;
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
    private final LlamaModel model;
    private final Tokenizer tokenizer;
    private final ChatTemplate chatTemplate;
    private final boolean builtInTemplate;
    private final Set<Integer> endOfGeneration;
    private final int contextSize;
    private final long loadNanos;

    private LocalModel(String id, Path path, GgufFile gguf, LlamaModel model, Tokenizer tokenizer,
                       ChatTemplate chatTemplate, boolean builtInTemplate, int contextSize, long loadNanos) {
        this.id = id;
        this.path = path;
        this.gguf = gguf;
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
        this.endOfGeneration = Set.copyOf(eog);
    }

    /**
     * Loads a GGUF model.
     *
     * @param id          the name requests use for it
     * @param threads     kernel threads (0 = available processors)
     * @param contextSize tokens per sequence (0 = the model's training context)
     * @throws LlmException NOT_FOUND for a missing file, INVALID_REQUEST for a file jllm cannot run
     */
    public static LocalModel load(String id, Path path, int threads, int contextSize) {
        long t0 = System.nanoTime();
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
            EngineOptions options = EngineOptions.defaults();
            if (threads > 0) {
                options = options.withThreads(threads);
            }
            LlamaModel model = LlamaModel.load(gguf, options);
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
            return new LocalModel(id, path, gguf, model, tokenizer, template, builtIn, ctx, System.nanoTime() - t0);
        } catch (ModelFormatException | ChatTemplateException e) {
            gguf.close();
            throw new LlmException(LlmException.Kind.INVALID_REQUEST, "cannot load " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            gguf.close();
            throw e;
        }
    }

    public String id() {
        return id;
    }

    public Path path() {
        return path;
    }

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

    public long loadNanos() {
        return loadNanos;
    }

    @Override
    public void close() {
        model.close();
        gguf.close();
    }
}
