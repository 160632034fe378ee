package dev.jllm.runtime.engine;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.EngineLlm;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmInfo;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.ProgressListener;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.EmbeddingRequest;
import dev.jllm.api.openai.EmbeddingResponse;
import dev.jllm.api.openai.Model;
import dev.jllm.models.store.ModelResolver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code local} instance type: models run in this JVM by the jllm engine. The work is done by
 * {@link LocalModels} (resolving, pulling, loading and leasing models), {@link Prepared} (an OpenAI request checked,
 * rendered and submitted to the model's scheduler), {@link WholeAnswer} and {@link LocalStream} (the output read
 * back on the caller's thread, whole or chunk by chunk) and {@link ModelProps} (llama-server's {@code /props}).
 */
public final class LocalLlm extends EngineLlm<LocalConfig, Prepared> {
    /** Option {@value #QUANTIZE}: q8_0 or q4_0 quantizes float weights at load time. */
    public static final String QUANTIZE = LocalSettings.QUANTIZE;

    private final LocalSettings settings;
    private final LocalModels models;

    public LocalLlm(String name, LocalConfig config) {
        this(name, config, null);
    }

    /** With an explicit resolver (tests); null uses the default model store under JLLM_HOME. */
    public LocalLlm(String name, LocalConfig config, ModelResolver resolver) {
        super(name, config);
        ModelLoading loading = ModelLoading.of(config);
        this.settings = loading.settings();
        this.models = new LocalModels(name, loading, resolver);
        if (config.model() != null) {
            serve(config.model(), e -> { });
        }
    }

    // ------------------------------------------------------------------ models

    @Override
    public List<Model> models() {
        return models.list(created);
    }

    @Override
    public boolean hasModel(String modelId) {
        return models.has(modelId);
    }

    /** Unloads it first when loaded; refuses a file that is not in the store. */
    @Override
    public void deleteModel(String model) {
        models.delete(model);
    }

    @Override
    public void serve(String model, ProgressListener progress) {
        ensureOpen();
        models.serve(model, progress);
    }

    @Override
    public void unload(String model) {
        models.unload(model);
    }

    @Override
    public boolean isReady() {
        return !closed && !models.ids().isEmpty();
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
        models.putLoad(details);
        return new LlmInfo(name, type(), isReady(), "in-process", models.ids(), details);
    }

    // ------------------------------------------------------------------ generation

    /** A raw completion: {@code prompt} is tokenized as is (BOS added as the model says), no chat template. */
    public GenerationResult complete(String model, String prompt, GenerationOptions options, TokenListener listener) {
        try (LoadedModels.Lease lease = acquire(model)) {
            LocalModel m = lease.model();
            m.checkGenerates(models.errorName(model, m));
            m.checkPromptChars(prompt.length());
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
    protected Prepared prepare(ChatCompletionRequest request, String rawPrompt) {
        if (request == null) {
            throw LlmException.invalid("the request is empty");
        }
        LoadedModels.Lease lease = acquire(request.model());
        return Prepared.admit(lease, request, rawPrompt, settings, models.errorName(request.model(), lease.model()));
    }

    @Override
    protected ChatCompletion whole(Prepared p) {
        return WholeAnswer.read(p);
    }

    /**
     * The request was admitted before this is called, so a full queue (RATE_LIMITED) or a prompt longer than the
     * context failed already; the chunks are made as the stream is read. Closing it cancels the generation.
     */
    @Override
    protected ChatCompletionStream stream(Prepared p, boolean usage) {
        return new LocalStream(p, usage);
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

    /** llama-server's {@code /props} for one model (see {@link ModelProps}). */
    public Map<String, Object> props(String model) {
        try (LoadedModels.Lease lease = acquire(model)) {
            return ModelProps.of(lease.model(), settings.parallel());
        }
    }

    private LoadedModels.Lease acquire(String model) {
        ensureOpen();
        return models.acquire(model);
    }

    @Override
    public void close() {
        closed = true;
        models.clear();
    }
}
