package dev.jllm.langchain4j;

import dev.jllm.api.ModelHandle;
import dev.langchain4j.model.chat.request.ChatRequestParameters;

/**
 * What a jllm chat model (whole or streaming) sends its requests with: where they go, the default request
 * parameters it reports to LangChain4j, and the fixed seed, if any.
 */
record ChatTarget(ModelHandle handle, ChatRequestParameters defaults, Long seed) {

    /** Serves the builder's model (pulling and loading it if needed) and collects its settings. */
    static ChatTarget of(JllmModelBuilder<?> b) {
        ModelHandle handle = b.source().open();
        return new ChatTarget(handle, b.defaults(handle.model()), b.seed());
    }
}
