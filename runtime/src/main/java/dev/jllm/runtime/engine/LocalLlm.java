package dev.jllm.runtime.engine;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmInfo;
import dev.jllm.api.EngineLlm;
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
import dev.jllm.template.ChatTemplateException;
import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.hf.HfModelDirectory;
import dev.jllm.models.store.ModelResolver;
import dev.jllm.models.store.ModelStore;
import dev.jllm.models.store.ServePulls;
import dev.jllm.runtime.quant.QuantizingWeightSource;
import dev.jllm.runtime.sampling.Logprobs;
import dev.jllm.runtime.chat.tools.AssistantOutputParser;
import dev.jllm.runtime.chat.tools.OutputDelta;
import dev.jllm.runtime.sampling.SamplingParams;
import dev.jllm.runtime.scheduler.FinishReason;
import dev.jllm.runtime.scheduler.SequenceRequest;
import dev.jllm.runtime.scheduler.SchedulerStats;
import dev.jllm.runtime.scheduler.SequenceHandle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The {@code local} instance type: models run in this JVM by the jllm engine. Models are loaded by
 * {@link #serve} (pulling them into the store first when needed) or on first use when a request names a model
 * that is a file or already in the store.
 */
public final class LocalLlm extends EngineLlm<LocalConfig, LocalLlm.Prepared> {
    /** Option {@value #QUANTIZE}: q8_0 or q4_0 quantizes float weights at load time. */
    public static final String QUANTIZE = LocalSettings.QUANTIZE;

    private static final System.Logger LOG = System.getLogger(LocalLlm.class.getName());


    private final LocalSettings settings;
    private final ModelResolver resolver;
    private final LoadedModels loaded = new LoadedModels();
    private final ExecutorService generations = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("jllm-generate-", 0).factory());
    private final GgmlType quantize;
    /** The chat template given for this instance's models ({@value LocalSettings#CHAT_TEMPLATE_FILE}), or null. */
    private final String chatTemplate;

    public LocalLlm(String name, LocalConfig config) {
        this(name, config, null);
    }

    /** With an explicit resolver (tests); null uses the default model store under JLLM_HOME. */
    public LocalLlm(String name, LocalConfig config, ModelResolver resolver) {
        super(name, config);
        this.settings = LocalSettings.of(config);
        this.resolver = resolver;
        try {
            this.quantize = config.options().containsKey(QUANTIZE)
                    ? QuantizingWeightSource.parseType(config.options().get(QUANTIZE)) : null;
        } catch (IllegalArgumentException e) {
            throw LlmException.invalid(e.getMessage());
        }
        this.chatTemplate = readTemplate(config.options().get(LocalSettings.CHAT_TEMPLATE_FILE));
        if (config.model() != null) {
            serve(config.model(), e -> { });
        }
    }

    private static String readTemplate(String file) {
        if (file == null) {
            return null;
        }
        try {
            return Files.readString(Path.of(file));
        } catch (java.io.IOException | RuntimeException e) {
            throw LlmException.invalid("cannot read the chat template file " + file + ": " + e.getMessage());
        }
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
            m = LocalModel.load(model, path, settings, quantize, chatTemplate);
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
        return ServePulls.resolveOrPull(store(), model, model, progress);
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
        ServePulls.delete(ms, model);
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
        details.put("kv_type", settings.kvType().id());
        // live load, summed over the loaded models' schedulers
        int active = 0;
        int waiting = 0;
        int cached = 0;
        long kvUsed = 0;
        for (String id : loaded.ids()) {
            Optional<LocalModel> m = loaded.find(id);
            if (m.isPresent() && !m.get().embeddingOnly()) {
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
            m.checkGenerates(errorName(model, m));
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
    protected ChatCompletion whole(Prepared p) {
        List<Choice> choices = new ArrayList<>();
        List<GenerationResult> results = new ArrayList<>();
        try (p.lease) {
            // Each choice is read on its own thread: the scheduler pauses a sequence whose reader falls behind.
            List<java.util.concurrent.Future<WholeChoice>> futures = new ArrayList<>();
            for (int i = 0; i < p.handles.size(); i++) {
                int index = i;
                futures.add(generations.submit(() -> wholeChoice(p, index)));
            }
            for (java.util.concurrent.Future<WholeChoice> f : futures) {
                WholeChoice c;
                try {
                    c = f.get();
                } catch (InterruptedException e) {
                    p.handles.forEach(SequenceHandle::cancel);
                    Thread.currentThread().interrupt();
                    throw new LlmException(LlmException.Kind.CANCELLED, "the generation was cancelled");
                } catch (java.util.concurrent.ExecutionException e) {
                    p.handles.forEach(SequenceHandle::cancel);
                    throw e.getCause() instanceof RuntimeException re ? re
                            : new LlmException(LlmException.Kind.INTERNAL, "generation failed: " + e.getCause(), e.getCause());
                }
                if (c.result.finishReason() == FinishReason.CANCELLED) {
                    throw new LlmException(LlmException.Kind.CANCELLED, "the generation was cancelled");
                }
                choices.add(c.choice);
                results.add(c.result);
            }
        }
        return new ChatCompletion(ChatCompletion.newId(), ChatCompletion.OBJECT, ChatCompletion.createdNow(), p.modelId,
                null, choices, usage(results));
    }

    private record WholeChoice(Choice choice, GenerationResult result) {
    }

    private WholeChoice wholeChoice(Prepared p, int index) {
        AssistantOutputParser parser = p.turn == null ? null : p.turn.newParser();
        List<TokenLogprob> logprobs = p.options.topLogprobs() >= 0 ? new ArrayList<>() : null;
        GenerationResult r = Generator.follow(p.handles.get(index), p.prompt, (text, token, lp) -> {
            if (logprobs != null && lp != null) {
                logprobs.add(wire(p.lease.model(), lp));
            }
            if (parser != null) {
                parser.accept(text);
            }
            return true;
        });
        ChatMessage message;
        String finish = r.finishReason().wireName();
        if (parser == null) {
            message = ChatMessage.assistant(r.text());
        } else {
            parser.finish();
            message = OutputWire.message(parser);
            finish = OutputWire.finishReason(parser, finish);
        }
        Choice choice = new Choice(index, message, logprobs == null ? null : new ChoiceLogprobs(logprobs, null), finish);
        return new WholeChoice(choice, r);
    }

    /**
     * Streams a generation. The request is admitted before this returns, so a full queue (RATE_LIMITED) or a
     * prompt longer than the context fails here rather than in the stream; chunks are then produced by a virtual
     * thread per choice that follows the scheduler's events. Closing the stream cancels the generation.
     */
    @Override
    protected ChatCompletionStream stream(Prepared p, boolean usage) {
        QueuedChatCompletionStream stream = new QueuedChatCompletionStream();
        String id = ChatCompletion.newId();
        long created = ChatCompletion.createdNow();
        stream.onCancel(() -> p.handles.forEach(SequenceHandle::cancel));
        int n = p.handles.size();
        GenerationResult[] results = new GenerationResult[n];
        java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger(n);
        java.util.concurrent.atomic.AtomicBoolean failed = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
        List<Runnable> producers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            producers.add(() -> {
                try {
                    GenerationResult r = streamChoice(p, index, stream, id, created);
                    if (r == null) {
                        cancelled.set(true);
                    } else {
                        results[index] = r;
                    }
                } catch (Throwable t) {
                    failed.set(true);
                    p.handles.forEach(SequenceHandle::cancel);
                    stream.fail(t);
                } finally {
                    // The last choice to end closes the stream (usage after every choice's finish) and the lease.
                    if (running.decrementAndGet() == 0) {
                        try {
                            if (!failed.get() && !cancelled.get()) {
                                if (usage) {
                                    stream.emit(new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created,
                                            p.modelId, null, List.of(), usage(List.of(results))));
                                }
                                stream.complete();
                            }
                        } finally {
                            p.lease.close();
                        }
                    }
                }
            });
        }
        try {
            producers.forEach(generations::submit);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            p.handles.forEach(SequenceHandle::cancel);
            p.lease.close();
            throw new LlmException(LlmException.Kind.UNAVAILABLE, "instance '" + name + "' is closed", e);
        }
        return stream;
    }

    /** One choice of a stream; null when it was cancelled. */
    private GenerationResult streamChoice(Prepared p, int index, QueuedChatCompletionStream stream, String id,
                                          long created) {
        LocalModel m = p.lease.model();
        SequenceHandle handle = p.handles.get(index);
        if (!stream.emit(chunk(id, created, p.modelId, index, ChatCompletionDelta.role("assistant"), null, null))) {
            handle.cancel();
            return cancelled(p);
        }
        AssistantOutputParser parser = p.turn == null ? null : p.turn.newParser();
        GenerationResult r = Generator.follow(handle, p.prompt, (text, token, lp) -> {
            if (text.isEmpty() && lp == null) {
                return !stream.isCancelled();
            }
            ChoiceLogprobs clp = lp == null ? null : new ChoiceLogprobs(List.of(wire(m, lp)), null);
            if (parser == null) {
                return stream.emit(chunk(id, created, p.modelId, index, ChatCompletionDelta.content(text), clp, null));
            }
            List<OutputDelta> deltas = parser.accept(text);
            if (deltas.isEmpty()) {
                // Held back (a possible tool call): the logprobs still go out, with no text.
                return clp == null ? !stream.isCancelled()
                        : stream.emit(chunk(id, created, p.modelId, index, ChatCompletionDelta.content(""), clp, null));
            }
            return emitDeltas(stream, id, created, p.modelId, index, deltas, clp);
        });
        if (r.finishReason() == FinishReason.CANCELLED) {
            return cancelled(p);
        }
        String finish = r.finishReason().wireName();
        if (parser != null) {
            emitDeltas(stream, id, created, p.modelId, index, parser.finish(), null);
            finish = OutputWire.finishReason(parser, finish);
        }
        stream.emit(chunk(id, created, p.modelId, index, ChatCompletionDelta.EMPTY, null, finish));
        return r;
    }

    private static GenerationResult cancelled(Prepared p) {
        p.handles.forEach(SequenceHandle::cancel);
        return null;
    }

    /** Parsed output as OpenAI's deltas: content, reasoning_content, and tool calls (name first, then arguments). */
    private static boolean emitDeltas(QueuedChatCompletionStream stream, String id, long created, String model,
                                      int index, List<OutputDelta> deltas, ChoiceLogprobs logprobs) {
        boolean open = true;
        for (OutputDelta d : deltas) {
            ChatCompletionDelta delta = OutputWire.delta(d);
            open = stream.emit(chunk(id, created, model, index, delta, logprobs, null));
            logprobs = null;
            if (!open) {
                break;
            }
        }
        return open;
    }

    /** OpenAI's usage: the prompt counted once (the choices share its evaluation), the completions summed. */
    private static Usage usage(List<GenerationResult> results) {
        GenerationResult first = results.getFirst();
        int completion = 0;
        for (GenerationResult r : results) {
            completion += r.tokens().length;
        }
        return Usage.of(first.promptTokens().length, completion, first.cachedTokens());
    }

    private static ChatCompletionChunk chunk(String id, long created, String model, int index,
                                             ChatCompletionDelta delta, ChoiceLogprobs logprobs, String finish) {
        return new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, model, null,
                List.of(new ChunkChoice(index, delta, logprobs, finish)), null);
    }

    /**
     * A request made ready: the model as the client named it, the lease, the prompt, the options, one submitted
     * sequence per choice, and how to read the output back (null for a raw prompt).
     */
    record Prepared(String modelId, LoadedModels.Lease lease, int[] prompt, GenerationOptions options,
                            List<SequenceHandle> handles, ChatTurn turn) {
    }

    /**
     * Checks and renders the request and submits it to the model's scheduler (holding a lease on the model).
     *
     * @param rawPrompt the text of a raw completion, continued as it is; null for a chat (the request's messages
     *                  rendered with the model's chat template)
     */
    @Override
    protected Prepared prepare(ChatCompletionRequest request, String rawPrompt) {
        if (request == null) {
            throw LlmException.invalid("the request is empty");
        }
        LoadedModels.Lease lease = acquire(request.model());
        List<SequenceHandle> handles = new ArrayList<>();
        try {
            LocalModel m = lease.model();
            m.checkGenerates(errorName(request.model(), m));
            GenerationOptions options = ChatRequests.options(request, m.tokenizer().vocabSize(), m.samplingDefaults())
                    .withGrammar(StructuredOutput.grammar(request, m.chatTemplate().source()));
            int n = request.n() == null ? 1 : request.n();
            int room = settings.parallel() + settings.effectiveQueue();
            if (n > room) {
                throw ChatRequests.invalid("n", n + " choices cannot run at once on this instance: it runs "
                        + settings.parallel() + " generations per model and queues " + settings.effectiveQueue()
                        + " more, so at most " + room);
            }
            // Answers name the model as the caller did (an alias, a store name), as OpenAI echoes its model names.
            String shown = request.model() == null || request.model().isBlank() ? m.id() : request.model();
            int[] prompt;
            ChatTurn turn = null;
            if (rawPrompt != null) {
                checkLength(m, rawPrompt.length());
                prompt = m.tokenizer().encode(rawPrompt, true, false);
            } else {
                // Before rendering too: a template may leave text out (earlier reasoning, say), hence the margin,
                // but megabytes of messages are not worth rendering.
                checkLength(m, contentChars(request) / RENDER_MARGIN);
                turn = ChatTurn.of(m, request);
                checkLength(m, turn.prompt().length());
                prompt = PromptTokens.encode(m.tokenizer(), turn.prompt());
            }
            if (prompt.length >= m.contextSize()) {
                throw new LlmException(LlmException.Kind.CONTEXT_LENGTH_EXCEEDED, "the prompt has " + prompt.length
                        + " tokens but the context of " + m.id() + " holds " + m.contextSize() + ": shorten the conversation");
            }
            SequenceRequest sequence = new SequenceRequest(prompt, options.sampling(), options.maxTokens(),
                    options.topLogprobs(), options.grammar(), turn == null ? Set.of() : turn.preservedTokens());
            // The choices share one evaluation of the prompt: the scheduler lets the younger ones wait for it.
            for (int i = 0; i < n; i++) {
                handles.add(m.scheduler().submit(i == 0 ? sequence : reseeded(sequence, i)));
            }
            return new Prepared(shown, lease, prompt, options, List.copyOf(handles), turn);
        } catch (RuntimeException e) {
            handles.forEach(SequenceHandle::cancel);
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

    /** The i-th choice of a seeded request gets its own seed, so that the choices differ yet repeat. */
    private static SequenceRequest reseeded(SequenceRequest r, int i) {
        SamplingParams s = r.sampling();
        SamplingParams own = s.seed().isPresent() ? s.withSeed(s.seed().getAsLong() + i) : s;
        return new SequenceRequest(r.prompt(), own, r.maxTokens(), r.topLogprobs(), r.grammar(), r.preservedTokens());
    }

    // ------------------------------------------------------------------ llama-server's utility routes

    /** A token and the bytes of its text (special tokens rendered as their text). */
    public record TokenPiece(int id, byte[] bytes) {
    }

    /**
     * llama-server's {@code /tokenize}: {@code text} as the model's tokenizer cuts it.
     *
     * @param addSpecial   add BOS (and EOS) as the model does for a prompt
     * @param parseSpecial recognise the text of control tokens as those tokens
     */
    public List<TokenPiece> tokenize(String model, String text, boolean addSpecial, boolean parseSpecial) {
        try (LoadedModels.Lease lease = acquire(model)) {
            var tokenizer = lease.model().tokenizer();
            List<TokenPiece> out = new ArrayList<>();
            for (int id : tokenizer.encode(text, addSpecial, parseSpecial)) {
                out.add(new TokenPiece(id, tokenizer.tokenBytes(id, true)));
            }
            return out;
        }
    }

    /**
     * llama-server's {@code /apply-template}: the prompt the model's chat template makes of a chat request (tools
     * and the thinking switch included), exactly as a generation would begin.
     */
    public String applyTemplate(ChatCompletionRequest request) {
        try (LoadedModels.Lease lease = acquire(request.model())) {
            return ChatTurn.of(lease.model(), request).prompt();
        }
    }

    /** How many tokens the prompt of a chat request takes (Anthropic's {@code count_tokens}). */
    public int promptTokens(ChatCompletionRequest request) {
        try (LoadedModels.Lease lease = acquire(request.model())) {
            LocalModel m = lease.model();
            return PromptTokens.encode(m.tokenizer(), ChatTurn.of(m, request).prompt()).length;
        }
    }

    /** llama-server's {@code /detokenize}: the text of the tokens, special tokens written as their text. */
    public String detokenize(String model, int[] tokens) {
        try (LoadedModels.Lease lease = acquire(model)) {
            var tokenizer = lease.model().tokenizer();
            for (int t : tokens) {
                if (t < 0 || t >= tokenizer.vocabSize()) {
                    throw ChatRequests.invalid("tokens", "token id " + t + " is outside the vocabulary (0.."
                            + (tokenizer.vocabSize() - 1) + ")");
                }
            }
            return tokenizer.decode(tokens, true);
        }
    }

    /**
     * llama-server's {@code /props} for one model: its context, slots, sampling defaults, chat template and what the
     * template can do (tools and their call syntax, a thinking switch).
     */
    public Map<String, Object> props(String model) {
        try (LoadedModels.Lease lease = acquire(model)) {
            LocalModel m = lease.model();
            var tokenizer = m.tokenizer();
            var template = m.chatTemplate();
            SamplingParams d = m.samplingDefaults();
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("temperature", d.temperature());
            params.put("top_k", d.topK());
            params.put("top_p", d.topP());
            params.put("min_p", d.minP());
            params.put("repeat_penalty", d.repeatPenalty());
            params.put("presence_penalty", d.presencePenalty());
            params.put("frequency_penalty", d.frequencyPenalty());
            Map<String, Object> generation = new LinkedHashMap<>();
            generation.put("n_ctx", m.contextSize());
            generation.put("params", params);
            Map<String, Object> caps = new LinkedHashMap<>();
            caps.put("supports_tools", template.canCarryTools());
            caps.put("tool_call_format", template.canCarryTools()
                    ? dev.jllm.runtime.chat.tools.ToolCallFormats.detect(template.source()).name() : null);
            caps.put("supports_thinking", dev.jllm.runtime.chat.tools.ThinkingSplitter.usedBy(template.source()));
            caps.put("supports_reasoning_effort", template.source().contains("enable_thinking"));
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("default_generation_settings", generation);
            props.put("total_slots", settings.parallel());
            props.put("model_path", m.id());
            props.put("chat_template", template.source());
            props.put("chat_template_builtin", m.hasBuiltInTemplate());
            props.put("chat_template_problem", m.templateProblem());
            props.put("chat_template_caps", caps);
            props.put("bos_token", tokenizer.bos() >= 0 ? tokenizer.tokenText(tokenizer.bos()) : null);
            props.put("eos_token", tokenizer.eos() >= 0 ? tokenizer.tokenText(tokenizer.eos()) : null);
            props.put("modalities", Map.of("vision", false, "audio", false));
            props.put("build_info", "jllm");
            return props;
        }
    }

    /**
     * The model as an error message names it: the id the request used, or this instance's name when that id is a
     * file on this server (a {@code --model} path is nobody's business but the server's).
     */
    private String errorName(String requested, LocalModel m) {
        String id = requested == null || requested.isBlank() ? m.id() : requested;
        try {
            return Files.exists(Path.of(id)) ? name : id;
        } catch (RuntimeException notAPath) {
            return id;
        }
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

    @Override
    public void close() {
        closed = true;
        generations.shutdownNow();
        loaded.clear();
    }
}
