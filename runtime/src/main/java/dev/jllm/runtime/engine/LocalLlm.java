package dev.jllm.runtime.engine;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmInfo;
import dev.jllm.api.Llm;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.ProgressEvent;
import dev.jllm.api.ProgressListener;
import dev.jllm.api.QueuedChatCompletionStream;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionDelta;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.EmbeddingRequest;
import dev.jllm.api.openai.EmbeddingResponse;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.Choice;
import dev.jllm.api.openai.ChoiceLogprobs;
import dev.jllm.api.openai.ChunkChoice;
import dev.jllm.api.openai.Model;
import dev.jllm.api.openai.TokenLogprob;
import dev.jllm.api.openai.TopLogprob;
import dev.jllm.api.openai.Usage;
import dev.jllm.models.ModelFormatException;
import dev.jllm.runtime.chat.ChatTemplateException;
import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.hf.HfModelDirectory;
import dev.jllm.models.hf.HubException;
import dev.jllm.models.store.ModelResolver;
import dev.jllm.models.store.ModelStore;
import dev.jllm.models.store.ModelStoreException;
import dev.jllm.runtime.quant.QuantizingWeightSource;
import dev.jllm.runtime.sampling.Logprobs;
import dev.jllm.runtime.scheduler.FinishReason;
import dev.jllm.runtime.scheduler.SchedulerStats;
import dev.jllm.runtime.scheduler.SequenceHandle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@code local} instance type: models run in this JVM by the jllm engine. Models are loaded by
 * {@link #serve} (pulling them into the store first when needed) or on first use when a request names a model
 * that is a file or already in the store.
 */
public final class LocalLlm implements Llm {
    /** Option {@value #QUANTIZE}: q8_0 or q4_0 quantizes float weights at load time. */
    public static final String QUANTIZE = LocalSettings.QUANTIZE;

    private static final System.Logger LOG = System.getLogger(LocalLlm.class.getName());

    /** The role of the single message of a raw-prompt request. */
    public static final String RAW_ROLE = "raw";

    private final String name;
    private final LocalConfig config;
    private final LocalSettings settings;
    private final ModelResolver resolver;
    private final LoadedModels loaded = new LoadedModels();
    private final ExecutorService generations = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("jllm-generate-", 0).factory());
    private final long created = System.currentTimeMillis() / 1000;
    private volatile boolean closed;
    private final GgmlType quantize;

    public LocalLlm(String name, LocalConfig config) {
        this(name, config, null);
    }

    /** With an explicit resolver (tests); null uses the default model store under JLLM_HOME. */
    public LocalLlm(String name, LocalConfig config, ModelResolver resolver) {
        this.name = name;
        this.config = config;
        this.settings = LocalSettings.of(config);
        this.resolver = resolver;
        try {
            this.quantize = config.options().containsKey(QUANTIZE)
                    ? QuantizingWeightSource.parseType(config.options().get(QUANTIZE)) : null;
        } catch (IllegalArgumentException e) {
            throw LlmException.invalid(e.getMessage());
        }
        if (config.model() != null) {
            serve(config.model(), e -> { });
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LocalConfig config() {
        return config;
    }

    @Override
    public List<Model> models() {
        List<Model> out = new ArrayList<>();
        java.util.Set<Path> loadedPaths = new java.util.HashSet<>();
        for (String id : loaded.ids()) {
            out.add(Model.of(id, created, "jllm", true));
            loaded.find(id).ifPresent(m -> loadedPaths.add(m.path().toAbsolutePath().normalize()));
        }
        // The store's models can be served on request (they load on first use): list them too, not loaded.
        if (store() instanceof ModelStore s) {
            try {
                for (var stored : s.list()) {
                    if (!loaded.ids().contains(stored.name())
                            && !loadedPaths.contains(stored.primaryPath().toAbsolutePath().normalize())) {
                        out.add(Model.of(stored.name(), created, "jllm", false));
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot list the model store: " + e.getMessage());
            }
        }
        return out;
    }

    /** Loaded, or a file, model directory or store model that a request naming it would load. */
    @Override
    public boolean hasModel(String modelId) {
        if (modelId == null || modelId.isBlank()) {
            return false;
        }
        if (loaded.find(modelId).isPresent()) {
            return true;
        }
        try {
            Path p = Path.of(modelId);
            if (Files.isRegularFile(p) || HfModelDirectory.isModelDirectory(p)) {
                return true;
            }
        } catch (java.nio.file.InvalidPathException e) {
            // not a path; maybe a store name
        }
        return inStore(modelId);
    }

    // ------------------------------------------------------------------ models

    @Override
    public void serve(String model, ProgressListener progress) {
        ensureOpen();
        if (model == null || model.isBlank()) {
            throw LlmException.invalid("serve needs a model: a .gguf path, a store name or a Hugging Face reference");
        }
        if (loaded.find(model).isPresent()) {
            progress.onProgress(ProgressEvent.of("ready", model + " is loaded"));
            return;
        }
        progress.onProgress(ProgressEvent.of("resolving", "looking up " + model));
        Path path;
        LocalModel m;
        try {
            path = resolveOrPull(model, progress);
            progress.onProgress(ProgressEvent.of("loading", "loading " + path.getFileName()));
            m = LocalModel.load(model, path, settings, quantize);
        } catch (LlmException e) {
            throw LoadFailures.classify(e);
        } catch (ModelFormatException | ChatTemplateException e) {
            throw LoadFailures.classify(new LlmException(LlmException.Kind.INVALID_REQUEST, "cannot load " + model
                    + ": " + e.getMessage(), e));
        } catch (OutOfMemoryError e) {
            throw LoadFailures.outOfMemory(model, e);
        }
        loaded.add(model, m);
        LOG.log(System.Logger.Level.INFO, "instance {0}: loaded {1} from {2} in {3} ms", name, model, path,
                m.loadNanos() / 1_000_000);
        progress.onProgress(ProgressEvent.of("ready", model + " is loaded"));
    }

    private Path resolveOrPull(String model, ProgressListener progress) {
        Path p = Path.of(model);
        if (Files.isRegularFile(p) || HfModelDirectory.isModelDirectory(p)) {
            return p;
        }
        if (p.isAbsolute() && model.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")) {
            // A file name, not a store or Hub reference: say plainly that the file is not there (reported as an
            // invalid request, as before; the load-failure reason tells it apart).
            throw LlmException.modelLoad(LlmException.LoadFailure.MODEL_NOT_FOUND, LlmException.Kind.INVALID_REQUEST,
                    "model file " + model + " does not exist", null);
        }
        try {
            Path resolved = store().resolveOrPull(model, pp -> progress.onProgress(new ProgressEvent(
                    "downloading", pp.file() == null ? pp.stage().name().toLowerCase(java.util.Locale.ROOT) : pp.file(),
                    pp.bytesDone(), Math.max(pp.bytesTotal(), pp.bytesDone()),
                    pp.bytesTotal() > 0 ? Math.min(100.0, 100.0 * pp.bytesDone() / pp.bytesTotal()) : -1)));
            return resolved;
        } catch (HubException e) {
            LlmException.Kind kind = switch (e.reason()) {
                case NOT_FOUND, NO_MATCH -> LlmException.Kind.NOT_FOUND;
                case ACCESS_DENIED -> LlmException.Kind.PERMISSION;
                case NETWORK -> LlmException.Kind.UNAVAILABLE;
                case DISK_SPACE -> LlmException.Kind.UNAVAILABLE;
                default -> LlmException.Kind.UPSTREAM;
            };
            throw new LlmException(kind, e.getMessage(), e);
        } catch (ModelStoreException e) {
            throw new LlmException(LlmException.Kind.INVALID_REQUEST, e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new LlmException(LlmException.Kind.NOT_FOUND, "model '" + model + "' not found: " + e.getMessage(), e);
        } catch (CancellationException e) {
            throw new LlmException(LlmException.Kind.CANCELLED, "serve of " + model + " was cancelled", e);
        }
    }

    private ModelResolver store() {
        return resolver != null ? resolver : ModelStore.openDefault();
    }

    @Override
    public void unload(String model) {
        if (!loaded.remove(model)) {
            throw LlmException.notFound("model '" + model + "' is not loaded by instance '" + name + "'");
        }
    }

    @Override
    public void deleteModel(String model) {
        // Every refusal comes before the model is unloaded: a refused delete changes nothing.
        boolean plainFile;
        try {
            plainFile = Files.isRegularFile(Path.of(model)) || HfModelDirectory.isModelDirectory(Path.of(model));
        } catch (java.nio.file.InvalidPathException e) {
            plainFile = false;
        }
        if (plainFile) {
            throw LlmException.invalid("jllm deletes only models in its store, not other files: " + model);
        }
        if (!(store() instanceof ModelStore ms)) {
            throw new LlmException(LlmException.Kind.NOT_SUPPORTED, "this instance has no model store");
        }
        if (!inStore(model)) {
            throw LlmException.notFound("model '" + model + "' is not in the model store");
        }
        loaded.remove(model);
        try {
            ms.remove(model, true);
        } catch (ModelStoreException e) {
            throw LlmException.notFound(e.getMessage());
        }
    }

    @Override
    public boolean isReady() {
        return !closed && !loaded.ids().isEmpty();
    }

    @Override
    public LlmInfo info() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("threads", Integer.toString(config.effectiveThreads()));
        details.put("context_size", Integer.toString(config.contextSize()));
        details.put("raw_prompt", "true");
        details.put("parallel", Integer.toString(settings.parallel()));
        details.put("max_queue", Integer.toString(settings.effectiveQueue()));
        details.put("batch_size", Integer.toString(settings.batchSize()));
        details.put("kv_memory", Long.toString(settings.effectiveKvMemory()));
        // live load, summed over the loaded models' schedulers
        int active = 0;
        int waiting = 0;
        int cached = 0;
        long kvUsed = 0;
        for (String id : loaded.ids()) {
            Optional<LocalModel> m = loaded.find(id);
            if (m.isPresent()) {
                SchedulerStats st = m.get().scheduler().stats();
                active += st.active();
                waiting += st.waiting();
                cached += st.cachedPrefixes();
                kvUsed += st.kvUsedBytes();
            }
        }
        details.put("active_sequences", Integer.toString(active));
        details.put("waiting_requests", Integer.toString(waiting));
        details.put("cached_prefixes", Integer.toString(cached));
        details.put("kv_used_bytes", Long.toString(kvUsed));
        long maxChars = 0;
        for (String id : loaded.ids()) {
            maxChars = Math.max(maxChars, loaded.find(id).map(LocalModel::maxPromptChars).orElse(0L));
        }
        if (maxChars > 0) {
            // what a server may refuse before parsing a request in full (no loaded model can hold more)
            details.put("max_prompt_chars", Long.toString(maxChars));
        }
        return new LlmInfo(name, type(), isReady(), "in-process", loaded.ids(), details);
    }

    // ------------------------------------------------------------------ generation

    /**
     * A raw completion: {@code prompt} is tokenized as is (BOS added as the model says), no chat template.
     */
    public GenerationResult complete(String model, String prompt, GenerationOptions options, TokenListener listener) {
        try (LoadedModels.Lease lease = acquire(model)) {
            LocalModel m = lease.model();
            checkLength(m, prompt.length());
            int[] tokens = m.tokenizer().encode(prompt, true, false);
            return Generator.generate(m, tokens, options, listener);
        }
    }

    @Override
    public EmbeddingResponse embeddings(EmbeddingRequest request) {
        ensureOpen();
        if (request == null) {
            throw LlmException.invalid("an embedding request is required");
        }
        try (LoadedModels.Lease lease = acquire(request.model())) {
            String shown = request.model() == null || request.model().isBlank() ? lease.model().id()
                    : request.model();
            return Embeddings.embed(lease.model(), request, shown);
        }
    }

    @Override
    public ChatCompletion chatCompletion(ChatCompletionRequest request) {
        Prepared p = prepare(request);
        List<TokenLogprob> logprobs = p.options.topLogprobs() >= 0 ? new ArrayList<>() : null;
        GenerationResult r;
        try (p.lease) {
            r = Generator.follow(p.handle, p.prompt, (text, token, lp) -> {
                if (logprobs != null && lp != null) {
                    logprobs.add(wire(p.lease.model(), lp));
                }
                return true;
            });
        }
        if (r.finishReason() == FinishReason.CANCELLED) {
            throw new LlmException(LlmException.Kind.CANCELLED, "the generation was cancelled");
        }
        Choice choice = new Choice(0, ChatMessage.assistant(r.text()),
                logprobs == null ? null : new ChoiceLogprobs(logprobs, null), r.finishReason().wireName());
        return new ChatCompletion(completionId(), ChatCompletion.OBJECT, now(), p.modelId, null, List.of(choice),
                usage(r));
    }

    /**
     * Streams a generation. The request is admitted before this returns, so a full queue (RATE_LIMITED) or a
     * prompt longer than the context fails here rather than in the stream; chunks are then produced by a virtual
     * thread that follows the scheduler's events. Closing the stream cancels the generation.
     */
    @Override
    public ChatCompletionStream chatCompletionStream(ChatCompletionRequest request) {
        Prepared p = prepare(request);
        QueuedChatCompletionStream stream = new QueuedChatCompletionStream();
        String id = completionId();
        long created = now();
        boolean usage = request.includeUsage();
        stream.onCancel(p.handle::cancel);
        Runnable producer = () -> {
            try (p.lease) {
                LocalModel m = p.lease.model();
                if (!stream.emit(chunk(id, created, p.modelId, ChatCompletionDelta.role("assistant"), null, null))) {
                    p.handle.cancel();
                    return;
                }
                GenerationResult r = Generator.follow(p.handle, p.prompt, (text, token, lp) -> {
                    if (text.isEmpty() && lp == null) {
                        return !stream.isCancelled();
                    }
                    ChoiceLogprobs clp = lp == null ? null : new ChoiceLogprobs(List.of(wire(m, lp)), null);
                    return stream.emit(chunk(id, created, p.modelId, ChatCompletionDelta.content(text), clp, null));
                });
                if (r.finishReason() == FinishReason.CANCELLED) {
                    return;
                }
                stream.emit(chunk(id, created, p.modelId, ChatCompletionDelta.EMPTY, null, r.finishReason().wireName()));
                if (usage) {
                    stream.emit(new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, p.modelId, null, List.of(),
                            usage(r)));
                }
                stream.complete();
            } catch (Throwable t) {
                p.handle.cancel();
                stream.fail(t);
            }
        };
        try {
            generations.submit(producer);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            p.handle.cancel();
            p.lease.close();
            throw new LlmException(LlmException.Kind.UNAVAILABLE, "instance '" + name + "' is closed", e);
        }
        return stream;
    }

    /** OpenAI's usage, with the prompt tokens that came from the prefix cache. */
    private static Usage usage(GenerationResult r) {
        return Usage.of(r.promptTokens().length, r.tokens().length, r.cachedTokens());
    }

    private static ChatCompletionChunk chunk(String id, long created, String model, ChatCompletionDelta delta,
                                             ChoiceLogprobs logprobs, String finish) {
        return new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, model, null,
                List.of(new ChunkChoice(0, delta, logprobs, finish)), null);
    }

    private record Prepared(String modelId, LoadedModels.Lease lease, int[] prompt, GenerationOptions options,
                            SequenceHandle handle) {
    }

    /** Checks and renders the request and submits it to the model's scheduler (holding a lease on the model). */
    private Prepared prepare(ChatCompletionRequest request) {
        if (request == null) {
            throw LlmException.invalid("the request is empty");
        }
        LoadedModels.Lease lease = acquire(request.model());
        try {
            LocalModel m = lease.model();
            GenerationOptions options = ChatRequests.options(request, m.tokenizer().vocabSize(), m.samplingDefaults())
                    .withGrammar(StructuredOutput.grammar(request, m.chatTemplate().source()));
            int[] prompt;
            // Before rendering too: a template may leave text out (earlier reasoning, say), hence the margin, but
            // megabytes of messages are not worth rendering.
            checkLength(m, contentChars(request) / RENDER_MARGIN);
            if (isRawPrompt(request)) {
                // A legacy text completion (the server's /v1/completions): the text itself, no chat template.
                checkLength(m, contentChars(request));
                prompt = m.tokenizer().encode(request.messages().getFirst().text(), true, false);
            } else {
                String text = ChatPrompts.render(m.chatTemplate(), request.messages(), request.tools());
                checkLength(m, text.length());
                prompt = PromptTokens.encode(m.tokenizer(), text);
            }
            if (prompt.length >= m.contextSize()) {
                throw new LlmException(LlmException.Kind.CONTEXT_LENGTH_EXCEEDED, "the prompt has " + prompt.length
                        + " tokens but the context of " + m.id() + " holds " + m.contextSize() + ": shorten the conversation");
            }
            // Answers name the model as the caller did (an alias, a store name), as OpenAI echoes its model names.
            String shown = request.model() == null || request.model().isBlank() ? m.id() : request.model();
            SequenceHandle handle = m.scheduler().submit(Generator.request(prompt, options));
            return new Prepared(shown, lease, prompt, options, handle);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    private static final int RENDER_MARGIN = 4;

    /** The characters of all message texts. */
    private static long contentChars(ChatCompletionRequest request) {
        long n = 0;
        if (request.messages() != null) {
            for (ChatMessage msg : request.messages()) {
                String t = msg == null ? null : msg.text();
                n += t == null ? 0 : t.length();
            }
        }
        return n;
    }

    /** A prompt too long to fit in any tokenization is refused before it is rendered or tokenized. */
    private static void checkLength(LocalModel m, long chars) {
        if (chars > m.maxPromptChars()) {
            throw new LlmException(LlmException.Kind.CONTEXT_LENGTH_EXCEEDED, "the prompt has " + chars
                    + " characters, more than the context of " + m.id() + " (" + m.contextSize() + " tokens) can"
                    + " hold: shorten the conversation");
        }
    }

    /** One message of role {@value #RAW_ROLE}: a prompt to continue as is (advertised in {@link #info()}). */
    private static boolean isRawPrompt(ChatCompletionRequest request) {
        return request.messages() != null && request.messages().size() == 1
                && RAW_ROLE.equals(request.messages().getFirst().role());
    }

    /** The model a request names; a file or stored model that is not loaded yet is loaded now. */
    private LoadedModels.Lease acquire(String model) {
        ensureOpen();
        if (model == null || model.isBlank()) {
            List<String> ids = loaded.ids();
            if (ids.size() == 1) {
                model = ids.getFirst();
            } else {
                throw LlmException.invalid("the request names no model; instance '" + name + "' has " + ids);
            }
        }
        final String id = model;
        Optional<LoadedModels.Lease> lease = loaded.lease(id);
        if (lease.isPresent()) {
            return lease.get();
        }
        if (Files.isRegularFile(Path.of(id)) || HfModelDirectory.isModelDirectory(Path.of(id)) || inStore(id)) {
            synchronized (this) {
                if (loaded.find(id).isEmpty()) {
                    serve(id, e -> { });
                }
            }
            return loaded.lease(id).orElseThrow(() -> LlmException.notFound("model '" + id + "' was unloaded meanwhile"));
        }
        throw LlmException.notFound("model '" + id + "' is not loaded by instance '" + name + "' and is neither a file "
                + "nor in the model store" + (loaded.ids().isEmpty() ? "" : "; loaded: " + loaded.ids()));
    }

    private boolean inStore(String ref) {
        try {
            return store().resolveLocal(ref).isPresent();
        } catch (IllegalArgumentException e) {
            return false; // not a model reference at all
        }
    }

    private static TokenLogprob wire(LocalModel m, Logprobs lp) {
        List<TopLogprob> top = new ArrayList<>();
        for (dev.jllm.runtime.sampling.TokenLogprob t : lp.top()) {
            byte[] b = m.tokenizer().tokenBytes(t.token());
            top.add(new TopLogprob(new String(b, java.nio.charset.StandardCharsets.UTF_8), t.logprob(), bytes(b)));
        }
        byte[] b = m.tokenizer().tokenBytes(lp.chosen().token());
        return new TokenLogprob(new String(b, java.nio.charset.StandardCharsets.UTF_8), lp.chosen().logprob(), bytes(b), top);
    }

    private static List<Integer> bytes(byte[] b) {
        List<Integer> out = new ArrayList<>(b.length);
        for (byte x : b) {
            out.add(Byte.toUnsignedInt(x));
        }
        return out;
    }

    private static String completionId() {
        return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    }

    private static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private void ensureOpen() {
        if (closed) {
            throw new LlmException(LlmException.Kind.UNAVAILABLE, "instance '" + name + "' is closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        generations.shutdownNow();
        loaded.clear();
    }
}
