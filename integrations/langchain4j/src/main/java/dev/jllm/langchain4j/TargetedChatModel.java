package dev.jllm.langchain4j;

import dev.jllm.api.ModelHandle;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.request.ChatRequestParameters;

/**
 * What the whole and the streaming chat model have in common: the target their requests go to, and what they
 * report to LangChain4j about it (default parameters, provider, handle). They differ only in how they chat.
 */
abstract class TargetedChatModel {

    protected final ChatTarget target;

    TargetedChatModel(JllmModelBuilder<?> b) {
        this.target = ChatTarget.of(b);
    }

    public ChatRequestParameters defaultRequestParameters() {
        return target.defaults();
    }

    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    /** Where requests go: the service, instance and model. */
    public ModelHandle handle() {
        return target.handle();
    }
}
