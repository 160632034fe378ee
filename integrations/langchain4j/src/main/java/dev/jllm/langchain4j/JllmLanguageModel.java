package dev.jllm.langchain4j;

import dev.jllm.api.LlmException;
import dev.jllm.api.ModelHandle;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.MessageContent;
import dev.langchain4j.model.language.LanguageModel;
import dev.langchain4j.model.output.Response;

/**
 * A LangChain4j {@link LanguageModel}: raw completion, the prompt continued as it is (no chat template), as
 * llama.cpp's completion and {@code /v1/completions} do. Needs an engine that takes raw prompts (the
 * {@code local} and {@code jlama} instance types); others refuse by name.
 */
public final class JllmLanguageModel implements LanguageModel {

    /** The role of the one message that carries a raw prompt to an engine (see the server's RawPrompt). */
    private static final String RAW_ROLE = "raw";

    private final ModelHandle handle;
    private final JllmModelBuilder<?> settings;

    private JllmLanguageModel(JllmModelBuilder<?> b) {
        this.handle = b.source().open();
        this.settings = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Response<String> generate(String prompt) {
        if (prompt == null) {
            throw LlmException.invalid("a prompt is required");
        }
        if (!"true".equals(handle.service().info(handle.instance()).details().get("raw_prompt"))) {
            throw LlmException.notSupported("instance '" + handle.instance() + "' does not take raw prompts");
        }
        var p = settings.defaults(handle.model());
        ChatCompletionRequest.Builder b = ChatCompletionRequest.builder().model(handle.model())
                .messages(new ChatMessage(RAW_ROLE, MessageContent.of(prompt), null, null, null, null))
                .temperature(p.temperature()).topP(p.topP()).topK(p.topK())
                .maxCompletionTokens(p.maxOutputTokens()).seed(settings.seed());
        if (p.stopSequences() != null && !p.stopSequences().isEmpty()) {
            b.stop(p.stopSequences());
        }
        ChatCompletion c = handle.service().chatCompletion(handle.instance(), b.build());
        String finish = c.choices().isEmpty() ? null : c.choices().getFirst().finishReason();
        return Response.from(c.text(), ResponseMapping.tokenUsage(c.usage()), ResponseMapping.finishReason(finish));
    }

    public ModelHandle handle() {
        return handle;
    }

    public static final class Builder extends JllmModelBuilder<Builder> {
        private Builder() {
        }

        public JllmLanguageModel build() {
            return new JllmLanguageModel(this);
        }
    }
}
