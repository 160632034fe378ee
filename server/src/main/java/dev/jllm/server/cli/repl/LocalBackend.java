package dev.jllm.server.cli.repl;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.ProgressListener;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.runtime.engine.LocalLlm;

import java.util.LinkedHashMap;
import java.util.Map;

/** Answers from the engine in this process (no server running): today's {@code jllm run}. */
public final class LocalBackend implements ChatBackend {
    private final ProgressListener progress;
    private LocalConfig config;
    private LocalLlm llm;
    private String model;

    /**
     * Loads the model (pulling it first when it is a Hugging Face reference not in the store).
     *
     * @param progress told of the download and the load
     */
    public LocalBackend(LocalConfig config, String model, ProgressListener progress) {
        this.config = config;
        this.progress = progress;
        this.llm = start(config, model);
        this.model = model;
    }

    private LocalLlm start(LocalConfig c, String m) {
        LocalLlm l = new LocalLlm("run", c);
        try {
            l.serve(m, progress);
            return l;
        } catch (RuntimeException e) {
            l.close();
            throw e;
        }
    }

    @Override
    public String describe() {
        return "running " + model + " in this process";
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public ChatCompletionStream stream(ChatCompletionRequest.Builder request) {
        return llm.chatCompletionStream(request.model(model).build());
    }

    @Override
    public void load(String next) {
        llm.serve(next, progress);
        String previous = model;
        model = next;
        if (!previous.equals(next)) {
            llm.unload(previous); // one model at a time, as a chat uses one
        }
    }

    /** A new context size takes a new engine instance: the KV cache is sized when a model loads. */
    @Override
    public void contextSize(int tokens) {
        LocalConfig next = config.withContextSize(tokens);
        LocalLlm old = llm;
        old.close(); // first, so that two copies of the model never share the memory
        try {
            llm = start(next, model);
            config = next;
        } catch (RuntimeException e) {
            llm = start(config, model);
            throw e;
        }
    }

    @Override
    public Map<String, String> info() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("running", "in this process");
        m.put("context", config.contextSize() == 0 ? "the model's" : config.contextSize() + " tokens");
        m.put("threads", Integer.toString(config.effectiveThreads()));
        if (config.options().containsKey(LocalLlm.QUANTIZE)) {
            m.put("quantized at load", config.options().get(LocalLlm.QUANTIZE));
        }
        // 0 between answers: an answer stopped with Ctrl-C has freed its place in the engine.
        m.put("active generations", llm.info().details().getOrDefault("active_sequences", "?"));
        return m;
    }

    @Override
    public void close() {
        llm.close();
    }
}
