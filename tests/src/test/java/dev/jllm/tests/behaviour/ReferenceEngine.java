package dev.jllm.tests.behaviour;

import dev.jllm.api.LocalConfig;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.runtime.engine.LocalLlm;

import java.nio.file.Path;

/**
 * The engine itself, without any service around it: what a {@code local} instance must answer, whichever way it
 * is reached. One instance per test JVM, loaded on first use.
 */
final class ReferenceEngine {

    private static LocalLlm engine;
    private static Path loaded;

    private ReferenceEngine() { }

    /** The text the engine writes for the request (which must name {@code model} and be deterministic). */
    static synchronized String text(Path model, ChatCompletionRequest request) {
        if (engine == null || !model.equals(loaded)) {
            if (engine != null) {
                engine.close();
            }
            engine = new LocalLlm("reference", LocalConfig.of(model.toString()).withThreads(1));
            loaded = model;
        }
        return engine.chatCompletion(request.withStream(false)).choices().getFirst().message().text();
    }
}
