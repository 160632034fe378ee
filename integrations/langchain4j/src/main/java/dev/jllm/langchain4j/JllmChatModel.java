package dev.jllm.langchain4j;

import dev.jllm.api.openai.ChatCompletion;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

/**
 * A LangChain4j {@link ChatModel} answered by jllm in this JVM (or through a proxy to a jllm server when
 * {@code JLLM_SERVER_URL} is set). Tool specifications become jllm tool calls (forced choices are enforced by
 * constrained decoding), JSON response formats become constrained output, usage and finish reasons map both
 * ways.
 *
 * <pre>{@code
 * ChatModel model = JllmChatModel.builder().model("hf.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M").build();
 * String answer = model.chat("Why is the sky blue?");
 * }</pre>
 */
public final class JllmChatModel extends TargetedChatModel implements ChatModel {

    private JllmChatModel(JllmModelBuilder<?> b) {
        super(b);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        ChatCompletion c = target.handle().service().chatCompletion(target.handle().instance(),
                RequestMapping.toJllm(request, target.handle().model(), target.seed(), false));
        return ResponseMapping.toChatResponse(c);
    }

    public static final class Builder extends JllmModelBuilder<Builder> {
        private Builder() {
        }

        public JllmChatModel build() {
            return new JllmChatModel(this);
        }
    }
}
