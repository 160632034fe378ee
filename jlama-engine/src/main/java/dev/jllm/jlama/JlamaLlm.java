package dev.jllm.jlama;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.EngineLlm;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmInfo;
import dev.jllm.api.ProgressEvent;
import dev.jllm.api.ProgressListener;
import dev.jllm.api.QueuedChatCompletionStream;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionDelta;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.Choice;
import dev.jllm.api.openai.ChunkChoice;
import dev.jllm.api.openai.Model;
import dev.jllm.api.openai.Usage;
import dev.jllm.models.store.ModelResolver;
import dev.jllm.models.store.ModelStore;
import dev.jllm.models.store.ServePulls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code jlama} instance type: Hugging Face safetensors models run in this JVM by jlama. Generations of one
 * model take turns (jlama is not safe for concurrent generations); each has its own KV cache. Raw prompts (the
 * server's {@code /v1/completions}) are continued without a chat template, as the local type does.
 */
public final class JlamaLlm extends EngineLlm<JlamaConfig, JlamaLlm.Prepared> {

    private static final System.Logger LOG = System.getLogger(JlamaLlm.class.getName());

    private final ModelSource source;
    private final int threads;
    private final Map<String, JlamaModel> loaded = new LinkedHashMap<>();
    private final ExecutorService generations = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("jllm-jlama-", 0).factory());

    public JlamaLlm(String name, JlamaConfig config) {
        this(name, config, null);
    }

    /** With an explicit model resolver (tests); null uses jllm's store under JLLM_HOME. */
    public JlamaLlm(String name, JlamaConfig config, ModelResolver resolver) {
        JlamaRuntime.init();
        super(name, config);
        this.source = new ModelSource(resolver);
        this.threads = JlamaRuntime.threads(config.threads());
        if (config.model() != null) {
            serve(config.model(), e -> { });
        }
    }

    @Override
    public List<Model> models() {
        List<Model> out = new ArrayList<>();
        for (String id : ids()) {
            out.add(Model.of(id, created, "jlama"));
        }
        return out;
    }

    private synchronized List<String> ids() {
        return new ArrayList<>(loaded.keySet());
    }

    // ------------------------------------------------------------------ models

    /** Pulls the model into jllm's store when it is a Hub reference, then loads it with jlama. */
    @Override
    public void serve(String model, ProgressListener progress) {
        ensureOpen();
        if (model == null || model.isBlank()) {
            throw LlmException.invalid("serve needs a model: a Hugging Face model directory, a store name or a"
                    + " Hugging Face reference owner/repo");
        }
        synchronized (this) {
            if (loaded.containsKey(model)) {
                progress.onProgress(ProgressEvent.of("ready", model + " is loaded"));
                return;
            }
        }
        progress.onProgress(ProgressEvent.of("resolving", "looking up " + model));
        Path path = source.resolveOrPull(model, progress);
        progress.onProgress(ProgressEvent.of("loading", "loading " + path.getFileName() + " with jlama"));
        JlamaModel m = JlamaModel.load(model, path, config);
        JlamaModel old;
        synchronized (this) {
            if (closed) {
                m.close();
                throw new LlmException(LlmException.Kind.UNAVAILABLE, "instance '" + name + "' was closed while "
                        + model + " was loading");
            }
            old = loaded.put(model, m);
        }
        if (old != null) {
            old.retire();
        }
        LOG.log(System.Logger.Level.INFO, "instance {0}: jlama loaded {1} from {2} in {3} ms ({4} kernels)", name,
                model, path, m.loadNanos() / 1_000_000, JlamaRuntime.kernels());
        progress.onProgress(ProgressEvent.of("ready", model + " is loaded"));
    }

    @Override
    public void unload(String model) {
        JlamaModel m;
        synchronized (this) {
            m = loaded.remove(model);
        }
        if (m == null) {
            throw LlmException.notFound("model '" + model + "' is not loaded by instance '" + name + "'");
        }
        m.retire();
    }

    @Override
    public void deleteModel(String model) {
        JlamaModel m;
        synchronized (this) {
            m = loaded.remove(model);
        }
        if (m != null) {
            m.retire();
        }
        if (Files.exists(Path.of(model))) {
            throw LlmException.invalid("jllm deletes only models in its store, not other files: " + model);
        }
        if (!(source.store() instanceof ModelStore ms)) {
            throw LlmException.notSupported("this instance has no model store");
        }
        ServePulls.delete(ms, model);
    }

    @Override
    public boolean isReady() {
        return !closed && !ids().isEmpty();
    }

    @Override
    public LlmInfo info() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("engine", "jlama");
        details.put("kernels", JlamaRuntime.kernels());
        details.put("threads", Integer.toString(threads));
        details.put("context_size", Integer.toString(config.contextSize()));
        details.put("quantize", config.quantize());
        details.put("raw_prompt", "true");
        return new LlmInfo(name, type(), isReady(), "in-process", ids(), details);
    }

    // ------------------------------------------------------------------ generation

    @Override
    protected ChatCompletion whole(Prepared p) {
        AtomicBoolean cancelled = new AtomicBoolean();
        Generation.Result r;
        try {
            if (!p.model.lock(() -> closed)) {
                throw new LlmException(LlmException.Kind.CANCELLED, "the generation was cancelled");
            }
            try {
                r = Generation.run(p.model, p.prompt, p.options, text -> !Thread.currentThread().isInterrupted(),
                        () -> closed || cancelled.get() || Thread.currentThread().isInterrupted());
            } finally {
                p.model.unlock();
            }
        } finally {
            p.model.release();
        }
        if (r.cancelled()) {
            throw new LlmException(LlmException.Kind.CANCELLED, "the generation was cancelled");
        }
        Choice choice = new Choice(0, ChatMessage.assistant(r.text()), null, r.finishReason());
        return new ChatCompletion(ChatCompletion.newId(), ChatCompletion.OBJECT, ChatCompletion.createdNow(), p.shown,
                null, List.of(choice), Usage.of(r.promptTokens(), r.completionTokens(), 0));
    }

    /**
     * Streams a generation: checked and tokenized before this returns (a bad request fails here, not in the
     * stream), then produced by a virtual thread once the model's turn comes. Closing the stream cancels it, also
     * while it waits for its turn.
     */
    @Override
    protected ChatCompletionStream stream(Prepared p, boolean usage) {
        QueuedChatCompletionStream stream = new QueuedChatCompletionStream();
        String id = ChatCompletion.newId();
        long at = ChatCompletion.createdNow();
        Runnable producer = () -> {
            try {
                if (!p.model.lock(() -> closed || stream.isCancelled())) {
                    stream.fail(new LlmException(LlmException.Kind.CANCELLED, "the generation was cancelled"));
                    return;
                }
                Generation.Result r;
                try {
                    if (!stream.emit(chunk(id, at, p.shown, ChatCompletionDelta.role("assistant"), null))) {
                        return;
                    }
                    r = Generation.run(p.model, p.prompt, p.options,
                            text -> stream.emit(chunk(id, at, p.shown, ChatCompletionDelta.content(text), null)),
                            () -> closed || stream.isCancelled());
                } finally {
                    p.model.unlock();
                }
                if (r.cancelled()) {
                    stream.fail(new LlmException(LlmException.Kind.CANCELLED, "the generation was cancelled"));
                    return;
                }
                stream.emit(chunk(id, at, p.shown, ChatCompletionDelta.EMPTY, r.finishReason()));
                if (usage) {
                    stream.emit(new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, at, p.shown, null, List.of(),
                            Usage.of(r.promptTokens(), r.completionTokens(), 0)));
                }
                stream.complete();
            } catch (Throwable t) {
                stream.fail(t);
            } finally {
                p.model.release();
            }
        };
        try {
            generations.submit(producer);
        } catch (RejectedExecutionException e) {
            p.model.release();
            throw new LlmException(LlmException.Kind.UNAVAILABLE, "instance '" + name + "' is closed", e);
        }
        return stream;
    }

    private static ChatCompletionChunk chunk(String id, long created, String model, ChatCompletionDelta delta,
                                             String finish) {
        return new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, model, null,
                List.of(new ChunkChoice(0, delta, null, finish)), null);
    }

    /** A checked request on a leased model (release it when done). */
    record Prepared(String shown, JlamaModel model, int[] prompt, Generation.Options options) {
    }

    /** @param rawPrompt a raw completion's text, encoded as it is; null for a chat (the request's messages) */
    @Override
    protected Prepared prepare(ChatCompletionRequest request, String rawPrompt) {
        if (request == null) {
            throw LlmException.invalid("the request is empty");
        }
        Generation.Options options = Requests.options(request);
        JlamaModel m = acquire(request.model());
        try {
            int[] prompt;
            try {
                prompt = rawPrompt != null ? Prompts.raw(m.jlama(), rawPrompt)
                        : Prompts.chat(m.jlama(), request.messages());
            } catch (LlmException e) {
                throw e;
            } catch (RuntimeException e) {
                throw LlmException.invalid("jlama cannot tokenize this prompt: " + e.getMessage());
            }
            Generation.checkPrompt(m, prompt);
            String shown = request.model() == null || request.model().isBlank() ? m.id() : request.model();
            return new Prepared(shown, m, prompt, options);
        } catch (RuntimeException e) {
            m.release();
            throw e;
        }
    }

    /** The model a request names, leased; a directory or stored model not loaded yet is loaded now. */
    private JlamaModel acquire(String model) {
        ensureOpen();
        String id = model;
        if (id == null || id.isBlank()) {
            List<String> ids = ids();
            if (ids.size() != 1) {
                throw LlmException.invalid("the request names no model; instance '" + name + "' has " + ids);
            }
            id = ids.getFirst();
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            JlamaModel m;
            synchronized (this) {
                m = loaded.get(id);
            }
            if (m != null && m.lease()) {
                return m;
            }
            if (m == null) {
                if (!source.isLocal(id)) {
                    throw LlmException.notFound("model '" + id + "' is not loaded by instance '" + name + "' and is"
                            + " neither a directory nor in the model store" + (ids().isEmpty() ? "" : "; loaded: " + ids()));
                }
                synchronized (this) {
                    if (!loaded.containsKey(id)) {
                        serve(id, e -> { });
                    }
                }
            }
        }
        throw LlmException.notFound("model '" + id + "' was unloaded meanwhile");
    }

    @Override
    public void close() {
        List<JlamaModel> models;
        synchronized (this) {
            closed = true;
            models = new ArrayList<>(loaded.values());
            loaded.clear();
        }
        generations.shutdownNow();
        models.forEach(JlamaModel::retire);
    }
}
