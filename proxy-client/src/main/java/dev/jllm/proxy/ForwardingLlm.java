package dev.jllm.proxy;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmInfo;
import dev.jllm.api.ModelInfo;
import dev.jllm.api.ProgressListener;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.CompletionRequest;
import dev.jllm.api.openai.EmbeddingRequest;
import dev.jllm.api.openai.EmbeddingResponse;
import dev.jllm.api.openai.Model;
import dev.jllm.providers.RemoteInstance;

import java.util.List;

/**
 * An instance that lives on the server (every engine type: {@code local} and any later one): each call is a job
 * there. Closing this handle cancels the jobs it started and refuses further calls; the instance itself stays on
 * the server ({@code LlmService.remove} removes it). With no name it is the instance of the server's current
 * model, whichever that is at each call.
 */
final class ForwardingLlm implements RemoteInstance {

    private final String name;
    /** Null until asked for where the handle was made without asking the server. */
    private volatile String type;
    private final LlmConfig config;
    private final ServerJobs jobs;
    private final CallScope scope;

    /**
     * @param name   null for the server's current model's instance
     * @param type   null to ask the server when {@link #type()} is first called
     * @param config the config this proxy created the instance with, or null when it was created elsewhere (the
     *               server does not tell an instance's config)
     */
    ForwardingLlm(String name, String type, LlmConfig config, ServerJobs jobs, CallScope parent) {
        this.name = name;
        this.type = type;
        this.config = config;
        this.jobs = jobs;
        this.scope = new CallScope("the handle of instance '" + name + "'", parent);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        String t = type;
        if (t == null) {
            t = info().type();
            type = t;
        }
        return t;
    }

    /** @throws LlmException NOT_SUPPORTED for an instance this proxy did not create */
    @Override
    public LlmConfig config() {
        if (config == null) {
            throw LlmException.notSupported("instance '" + name + "' was created on the server by another client,"
                    + " and the server does not tell an instance's configuration");
        }
        return config;
    }

    @Override
    public List<Model> models() {
        return jobs.models(scope, name);
    }

    @Override
    public EmbeddingResponse embeddings(EmbeddingRequest request) {
        return jobs.embeddings(scope, name, request);
    }

    @Override
    public ChatCompletion chatCompletion(ChatCompletionRequest request) {
        return jobs.chat(scope, name, request);
    }

    @Override
    public ChatCompletionStream chatCompletionStream(ChatCompletionRequest request) {
        return jobs.chatStream(scope, name, request);
    }

    @Override
    public ChatCompletion complete(CompletionRequest request) {
        return jobs.complete(scope, name, request);
    }

    @Override
    public ChatCompletionStream completeStream(CompletionRequest request) {
        return jobs.completeStream(scope, name, request);
    }

    @Override
    public void serve(String model, ProgressListener progress) {
        serveModel(model, progress);
    }

    @Override
    public ModelInfo serveModel(String model, ProgressListener progress) {
        return jobs.serve(scope, name, model, progress);
    }

    @Override
    public void unload(String model) {
        jobs.unload(scope, name, model);
    }

    @Override
    public void deleteModel(String model) {
        jobs.delete(scope, name, model);
    }

    /** False too when the server cannot be reached or no longer has the instance: it cannot answer then. */
    @Override
    public boolean isReady() {
        try {
            return jobs.info(scope, name).ready();
        } catch (LlmException e) {
            return false;
        }
    }

    /** False when the server cannot be reached; NOT_FOUND (or another refusal) as the server says. */
    @Override
    public boolean isReadyThere() {
        try {
            return jobs.info(scope, name).ready();
        } catch (LlmException e) {
            if (ServerJobs.serverDown(e)) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public LlmInfo info() {
        return jobs.info(scope, name);
    }

    @Override
    public void close() {
        scope.close();
    }

    @Override
    public String toString() {
        return "ForwardingLlm[" + name + ", " + type + "]";
    }
}
