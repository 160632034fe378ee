package dev.jllm.tests.support;

import dev.jllm.api.Llm;
import dev.jllm.api.LlmException;
import dev.jllm.api.ProgressListener;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionRequest;

/**
 * What the scripted test instances ({@link ScriptedLocal}, {@link ScriptedToolModel}) have in common: they answer
 * from a script, always ready, holding nothing, so they serve, unload and delete nothing, and a whole completion is
 * their stream collected.
 */
interface ScriptedLlm extends Llm {

    @Override
    default ChatCompletion chatCompletion(ChatCompletionRequest request) {
        return chatCompletionStream(request.withStream(false)).collect();
    }

    @Override
    default void serve(String model, ProgressListener progress) {
        throw LlmException.notSupported("scripted instances serve nothing");
    }

    @Override
    default void unload(String model) {
        throw LlmException.notSupported("scripted instances unload nothing");
    }

    @Override
    default void deleteModel(String model) {
        throw LlmException.notSupported("scripted instances delete nothing");
    }

    @Override
    default boolean isReady() {
        return true;
    }

    @Override
    default void close() {
    }
}
