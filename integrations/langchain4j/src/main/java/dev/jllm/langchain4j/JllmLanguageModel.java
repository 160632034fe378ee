package dev.jllm.langchain4j;

import dev.jllm.api.LlmException;
import dev.jllm.api.ModelHandle;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.CompletionRequest;
import dev.langchain4j.model.language.LanguageModel;
import dev.langchain4j.model.output.Response;

/**
 * A LangChain4j {@link LanguageModel}: raw completion, the prompt continued as it is (no chat template), as
 * llama.cpp's completion and {@code /v1/completions} do ({@code Llm.complete}). Instances that cannot continue a
 * raw prompt refuse (NOT_SUPPORTED).
 */
public final class JllmLanguageModel implements LanguageModel {

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
        var p = settings.defaults(handle.model());
        ChatCompletionRequest.Builder b = ChatCompletionRequest.builder().model(handle.model())
                .temperature(p.temperature()).topP(p.topP()).topK(p.topK())
                .maxCompletionTokens(p.maxOutputTokens()).seed(settings.seed());
        if (p.stopSequences() != null && !p.stopSequences().isEmpty()) {
            b.stop(p.stopSequences());
        }
        // Llm.complete: an instance without raw completions refuses (NOT_SUPPORTED), never wraps it in a chat turn
        ChatCompletion c = handle.service().complete(handle.instance(), CompletionRequest.of(prompt, b.build()));
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
