package dev.jllm.langchain4j;

import dev.jllm.api.LlmService;
import dev.jllm.api.ProgressListener;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;

import java.util.List;

/**
 * What every jllm LangChain4j model is built from: either {@link #model(String)} (served on the JVM's shared
 * service, loaded once) or {@link #service(LlmService, String)} with {@link #modelName(String)}; engine settings
 * for the shared case; and default request parameters.
 */
public abstract class JllmModelBuilder<B extends JllmModelBuilder<B>> {

    private final JllmModelSource source = new JllmModelSource();
    private Double temperature;
    private Double topP;
    private Integer topK;
    private Integer maxOutputTokens;
    private List<String> stop;
    private Long seed;

    JllmModelBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * The model: a {@code .gguf} file, a Hugging Face model directory, a store name or a Hugging Face reference
     * ({@code hf.co/OWNER/REPO:QUANT}, pulled when missing). With {@link #service} it names the instance's model.
     */
    public B model(String ref) {
        source.model(ref);
        return self();
    }

    /** Same as {@link #model(String)}: LangChain4j's usual name for it. */
    public B modelName(String name) {
        return model(name);
    }

    /** Use an instance the application manages itself instead of the shared one. */
    public B service(LlmService service, String instance) {
        source.service(service, instance);
        return self();
    }

    /** Engine threads of the shared instance (default: the physical cores). */
    public B threads(int n) {
        source.threads(n);
        return self();
    }

    /** Context per sequence of the shared instance (default: the model's). */
    public B contextSize(int n) {
        source.contextSize(n);
        return self();
    }

    /** Told of the pull and load steps while the model is made ready (at build time). */
    public B onProgress(ProgressListener listener) {
        source.progress(listener);
        return self();
    }

    public B temperature(Double v) {
        temperature = v;
        return self();
    }

    public B topP(Double v) {
        topP = v;
        return self();
    }

    public B topK(Integer v) {
        topK = v;
        return self();
    }

    public B maxOutputTokens(Integer v) {
        maxOutputTokens = v;
        return self();
    }

    public B stopSequences(List<String> v) {
        stop = v;
        return self();
    }

    /** A fixed seed: the same request gives the same answer. */
    public B seed(Long v) {
        seed = v;
        return self();
    }

    JllmModelSource source() {
        return source;
    }

    Long seed() {
        return seed;
    }

    ChatRequestParameters defaults(String model) {
        return DefaultChatRequestParameters.builder().modelName(model).temperature(temperature).topP(topP)
                .topK(topK).maxOutputTokens(maxOutputTokens).stopSequences(stop).build();
    }
}
