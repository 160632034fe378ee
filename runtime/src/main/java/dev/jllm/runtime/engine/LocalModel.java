package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.chat.ChatTemplate;
import dev.jllm.runtime.chat.ChatTemplateException;
import dev.jllm.runtime.chat.FallbackTemplates;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.LlamaModel;
import dev.jllm.runtime.model.ModelConfig;
import dev.jllm.runtime.scheduler.Scheduler;
import dev.jllm.runtime.scheduler.SchedulerConfig;
import dev.jllm.runtime.tokenizer.Tokenizer;
import dev.jllm.runtime.tokenizer.Tokenizers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * A model loaded for generation: the mapped file, the network, its tokenizer and chat template, the context
 * each sequence may use, and the {@link Scheduler} that runs its generations (batched together). Closing it
 * stops the scheduler and releases the mapping.
 */
public final class LocalModel implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LocalModel.class.getName());

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
    private final Scheduler scheduler;

    private LocalModel(String id, Path path, GgufFile gguf, LlamaModel model, Tokenizer tokenizer,
                       ChatTemplate chatTemplate, boolean builtInTemplate, LocalSettings settings, int contextSize,
                       long kvMemory, long loadNanos) {
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
        this.scheduler = new Scheduler(id, model, tokenizer, endOfGeneration, new SchedulerConfig(settings.parallel(),
                settings.effectiveQueue(), settings.batchSize(), SchedulerConfig.defaultInterleave(settings.batchSize()),
                contextSize, kvMemory,
                SchedulerConfig.DEFAULT_PREFIX_ENTRIES));
    }

    /**
     * Loads a GGUF model with default batching ({@link LocalSettings#defaults}).
     *
     * @param id          the name requests use for it
     * @param threads     kernel threads (0 = available processors)
     * @param contextSize tokens per sequence (0 = the model's training context)
     * @throws LlmException NOT_FOUND for a missing file, INVALID_REQUEST for a file jllm cannot run
     */
    public static LocalModel load(String id, Path path, int threads, int contextSize) {
        return load(id, path, LocalSettings.defaults(threads, contextSize));
    }

    /**
     * Loads a GGUF model.
     *
     * @param id the name requests use for it
     * @throws LlmException NOT_FOUND for a missing file, INVALID_REQUEST for a file jllm cannot run or a KV
     *                      memory budget too small for it
     */
    public static LocalModel load(String id, Path path, LocalSettings settings) {
        int threads = settings.threads();
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
        LlamaModel model = null;
        try {
            EngineOptions options = EngineOptions.defaults();
            if (threads > 0) {
                options = options.withThreads(threads);
            }
            model = LlamaModel.load(gguf, options);
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
            int wanted = settings.contextSize() > 0 ? settings.contextSize() : trained;
            long kvMemory = settings.effectiveKvMemory();
            int ctx = fitContext(id, model.config(), wanted, kvMemory);
            return new LocalModel(id, path, gguf, model, tokenizer, template, builtIn, settings, ctx, kvMemory,
                    System.nanoTime() - t0);
        } catch (ModelFormatException | ChatTemplateException e) {
            release(model, gguf);
            throw new LlmException(LlmException.Kind.INVALID_REQUEST, "cannot load " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            release(model, gguf);
            throw e;
        }
    }

    /** After a failed load: stops the network's worker threads (if it got that far) and unmaps the file. */
    private static void release(LlamaModel model, GgufFile gguf) {
        if (model != null) {
            model.close();
        }
        gguf.close();
    }

    /**
     * The context per sequence: {@code wanted}, or less when one sequence of that length would not fit the KV
     * memory budget (whole pages of {@link dev.jllm.runtime.kv.KvLayout#DEFAULT_PAGE_SIZE} positions).
     */
    private static int fitContext(String id, ModelConfig c, int wanted, long kvMemory) {
        long bytesPerPosition = (long) c.blockCount() * (c.keyWidth() + c.valueWidth()) * Float.BYTES;
        int page = dev.jllm.runtime.kv.KvLayout.DEFAULT_PAGE_SIZE;
        long fits = kvMemory / (bytesPerPosition * page) * page;
        if (fits >= wanted) {
            return wanted;
        }
        if (fits < page) {
            throw new LlmException(LlmException.Kind.INVALID_REQUEST, "a KV memory budget of " + kvMemory
                    + " bytes is too small for " + id + ": one page of " + page + " positions needs "
                    + bytesPerPosition * page + " bytes");
        }
        LOG.log(System.Logger.Level.INFO, "{0}: context reduced from {1} to {2} tokens to fit the KV memory budget of {3} MiB",
                id, wanted, fits, kvMemory >> 20);
        return (int) fits;
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

    /** Runs this model's generations; {@link Generator} and {@link LocalLlm} submit to it. */
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public void close() {
        scheduler.close();
        model.close();
        gguf.close();
    }
}
