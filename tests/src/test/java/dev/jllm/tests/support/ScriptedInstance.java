package dev.jllm.tests.support;

import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmInfo;
import dev.jllm.api.ProgressListener;
import dev.jllm.api.openai.Model;

import java.util.List;
import java.util.Map;

/**
 * What every scripted test instance shares: its name, config and one model; it is always ready, manages no models
 * (serve, unload and delete are refused) and closes without effect. Subclasses script the generations.
 */
public abstract class ScriptedInstance implements Llm {

    private final String name;
    private final LlmConfig config;
    private final String model;

    protected ScriptedInstance(String name, LlmConfig config, String model) {
        this.name = name;
        this.config = config;
        this.model = model;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LlmConfig config() {
        return config;
    }

    @Override
    public List<Model> models() {
        return List.of(Model.of(model, 1700000000, "test"));
    }

    /** A whole answer is the scripted stream collected. */
    @Override
    public ChatCompletion chatCompletion(ChatCompletionRequest request) {
        return chatCompletionStream(request.withStream(false)).collect();
    }

    @Override
    public void serve(String m, ProgressListener progress) {
        throw LlmException.notSupported("scripted instances serve nothing");
    }

    @Override
    public void unload(String m) {
        throw LlmException.notSupported("scripted instances unload nothing");
    }

    @Override
    public void deleteModel(String m) {
        throw LlmException.notSupported("scripted instances delete nothing");
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public LlmInfo info() {
        return new LlmInfo(name, type(), true, "in-process", loaded(), Map.of());
    }

    /** The models this instance reports loaded: none unless a subclass says so. */
    protected List<String> loaded() {
        return List.of();
    }

    protected String model() {
        return model;
    }

    @Override
    public void close() {
    }
}
