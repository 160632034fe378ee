package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.template.ChatTemplate;
import dev.jllm.runtime.model.Embedder;
import dev.jllm.runtime.model.EncoderModel;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.LlamaModel;
import dev.jllm.runtime.kv.KvLayout;
import dev.jllm.runtime.kv.KvType;
import dev.jllm.runtime.sampling.SamplingParams;
import dev.jllm.runtime.scheduler.Scheduler;
import dev.jllm.runtime.scheduler.SchedulerConfig;
import dev.jllm.runtime.tokenizer.Tokenizer;

import java.nio.file.Path;
import java.util.Collection;
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
    private final AutoCloseable weights;
    private final LlamaModel model;
    private final EncoderModel encoder;
    private final Tokenizer tokenizer;
    private final ChatTemplate chatTemplate;
    private final boolean builtInTemplate;
    private final String templateProblem;
    private final Set<Integer> endOfGeneration;
    private final int contextSize;
    private final long loadNanos;
    private final Scheduler scheduler;
    private final SamplingParams samplingDefaults;
    /** See {@link #maxPromptChars()}. */
    private final long maxPromptChars;
    private static final int MIN_CHARS_PER_TOKEN = 16;

    private LocalModel(String id, Path path, ModelFiles files, LocalSettings settings, int contextSize,
                       long kvMemory, long loadNanos) {
        this.id = id;
        this.path = path;
        this.gguf = files.gguf();
        this.weights = files.weights();
        this.model = files.network();
        this.encoder = files.encoder();
        Tokenizer tokenizer = files.tokenizer();
        this.samplingDefaults = files.samplingDefaults();
        this.tokenizer = tokenizer;
        this.chatTemplate = files.chatTemplate();
        this.builtInTemplate = files.builtInTemplate();
        this.templateProblem = files.templateProblem();
        this.contextSize = contextSize;
        this.loadNanos = loadNanos;
        Set<Integer> eog = new HashSet<>();
        int longest = 1;
        for (int t = 0; t < tokenizer.vocabSize(); t++) {
            if (tokenizer.isEndOfGeneration(t)) {
                eog.add(t);
            }
            longest = Math.max(longest, tokenizer.tokenBytes(t, true).length);
        }
        // No token stands for more text than its own bytes (a character is at least one byte), so a prompt of
        // more characters than context x the longest token cannot fit, whatever it tokenizes to. The floor
        // covers tokenizers whose unknown token stands for a whole word.
        this.maxPromptChars = (long) contextSize * Math.max(longest, MIN_CHARS_PER_TOKEN);
        // An HF model's generation_config.json may name more end tokens than the tokenizer marks.
        Collection<Integer> extra = files.extraEndOfGeneration();
        for (int t : extra) {
            if (t >= 0 && t < tokenizer.vocabSize()) {
                eog.add(t);
            }
        }
        this.endOfGeneration = Set.copyOf(eog);
        // an embedding model generates nothing: no scheduler
        this.scheduler = model == null ? null : new Scheduler(id, model, tokenizer, endOfGeneration,
                new SchedulerConfig(settings.parallel(), settings.effectiveQueue(), settings.batchSize(),
                        SchedulerConfig.defaultInterleave(settings.batchSize()), contextSize, kvMemory,
                        SchedulerConfig.DEFAULT_PREFIX_ENTRIES, settings.kvType()));
    }

    /**
     * Loads a GGUF file or a Hugging Face model directory with default batching ({@link LocalSettings#defaults}).
     *
     * @param id          the name requests use for it
     * @param threads     kernel threads (0 = available processors)
     * @param contextSize tokens per sequence (0 = the model's training context)
     * @throws LlmException NOT_FOUND for a missing file, INVALID_REQUEST for a file jllm cannot run
     */
    public static LocalModel load(String id, Path path, int threads, int contextSize) {
        return load(id, path, LocalSettings.defaults(threads, contextSize), null);
    }

    /** As {@link #load(String, Path, int, int)}, quantizing float matrices to {@code quantize} (null: as stored). */
    public static LocalModel load(String id, Path path, int threads, int contextSize, GgmlType quantize) {
        return load(id, path, LocalSettings.defaults(threads, contextSize), quantize);
    }

    public static LocalModel load(String id, Path path, LocalSettings settings) {
        return load(id, path, settings, null);
    }

    /**
     * Loads a GGUF file or a Hugging Face model directory (config.json, safetensors, tokenizer.json).
     *
     * @param quantize Q8_0 or Q4_0 to quantize float matrices at load time (speed and memory over exactness);
     *                 null keeps the weights as they are
     * @throws LlmException NOT_FOUND for a missing file, INVALID_REQUEST for a file jllm cannot run or a KV
     *                      memory budget too small for it
     */
    public static LocalModel load(String id, Path path, LocalSettings settings, GgmlType quantize) {
        return load(id, path, settings, quantize, null);
    }

    /**
     * As {@link #load(String, Path, LocalSettings, GgmlType)}, with a chat template that replaces the model's own.
     *
     * @param chatTemplate Jinja source, or null for the model's template
     */
    public static LocalModel load(String id, Path path, LocalSettings settings, GgmlType quantize,
                                  String chatTemplate) {
        long t0 = System.nanoTime();
        EngineOptions options = EngineOptions.defaults();
        if (settings.threads() > 0) {
            options = options.withThreads(settings.threads());
        }
        ModelFiles files = ModelFiles.open(path, options, quantize, chatTemplate);
        try {
            int trained = files.config().contextLength();
            int wanted = settings.contextSize() > 0 ? settings.contextSize() : trained;
            long kvMemory = settings.effectiveKvMemory();
            // an encoder keeps no KV cache, and its positions end at the trained context
            int ctx = files.encoder() != null ? Math.min(wanted, trained)
                    : fitContext(id, files.network(), settings.kvType(), wanted, kvMemory);
            return new LocalModel(id, path, files, settings, ctx, kvMemory, System.nanoTime() - t0);
        } catch (RuntimeException | Error e) {
            release(files);
            throw e;
        }
    }

    /** After a failed load: stops the network's worker threads and releases the weights. */
    private static void release(ModelFiles files) {
        files.closeNetwork();
        try {
            files.weights().close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "cannot release weights after a failed load", e);
        }
    }

    /**
     * The context per sequence: {@code wanted}, or less when one sequence of that length would not fit the KV
     * memory budget (whole pages of {@link KvLayout#DEFAULT_PAGE_SIZE} positions of
     * {@code kvType}, so an F16 or Q8_0 cache fits a longer context in the same budget).
     *
     * @throws LlmException INVALID_REQUEST when the model's heads do not fit the type's blocks
     */
    private static int fitContext(String id, LlamaModel model, KvType kvType, int wanted, long kvMemory) {
        KvLayout layout;
        try {
            layout = model.kvLayout(wanted, kvMemory, kvType);
        } catch (IllegalArgumentException e) {
            throw LlmException.invalid(id + ": " + e.getMessage());
        }
        long bytesPerPosition = layout.layers() * layout.positionBytes();
        int page = KvLayout.DEFAULT_PAGE_SIZE;
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

    /** The GGUF file, or null for a model loaded from a Hugging Face directory. */
    public GgufFile gguf() {
        return gguf;
    }

    /**
     * The decoder network.
     *
     * @throws LlmException INVALID_REQUEST for an embedding model (an encoder), which cannot generate
     */
    public LlamaModel network() {
        checkGenerates();
        return model;
    }

    /** What embeds texts: the encoder of an embedding model, else the decoder (mean-pooled). */
    public Embedder embedder() {
        return model != null ? model : encoder;
    }

    /** Whether this is an embedding model (a BERT-family encoder): it embeds texts and generates nothing. */
    public boolean embeddingOnly() {
        return encoder != null;
    }

    private void checkGenerates() {
        checkGenerates(id);
    }

    /**
     * @param name the model as the client named it (never a server path in an answer)
     * @throws LlmException INVALID_REQUEST for an embedding model, named, saying what it serves instead
     */
    public void checkGenerates(String name) {
        if (encoder != null) {
            throw LlmException.invalid("model " + name + " is an embedding model (" + encoder.config().architecture()
                    .ggufName() + "): it serves embeddings (/v1/embeddings, /api/embed), not chat or text completions");
        }
    }

    /**
     * The longest prompt text, in characters, that could fit the context: a longer one is refused before it is
     * rendered or tokenized, so a huge prompt costs neither the time nor the memory of tokenizing it.
     */
    public long maxPromptChars() {
        return maxPromptChars;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ChatTemplate chatTemplate() {
        return chatTemplate;
    }

    /**
     * Whether the chat template came from the file or was given at load (false: a fallback chosen from the
     * vocabulary).
     */
    public boolean hasBuiltInTemplate() {
        return builtInTemplate;
    }

    /** Why the model's own chat template is not used (it does not compile, or is unusable), or null. */
    public String templateProblem() {
        return templateProblem;
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

    /** Runs this model's generations; {@link Generator} and {@link LocalLlm} submit to it. */
    public Scheduler scheduler() {
        checkGenerates();
        return scheduler;
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.close();
            model.close();
        } else {
            encoder.close();
        }
        try {
            weights.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot release the weights of " + path, e);
        }
    }
}
