package dev.jllm.springai;

import dev.jllm.api.ModelHandle;
import dev.jllm.api.SharedModels;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Starts the engine once per application when {@code jllm.model} is set: the model is served on the JVM's shared
 * jllm service ({@link SharedModels}, so a LangChain4j model of the same reference in the same JVM shares the
 * load), a {@link JllmChatModel} bean answers Spring AI's {@code ChatModel} and {@code StreamingChatModel}, and a
 * {@link JllmEmbeddingModel} its {@code EmbeddingModel}.
 */
@AutoConfiguration
@EnableConfigurationProperties(JllmProperties.class)
@ConditionalOnProperty(prefix = "jllm", name = "model")
public class JllmAutoConfiguration {

    private static final System.Logger LOG = System.getLogger(JllmAutoConfiguration.class.getName());

    @Bean
    @ConditionalOnMissingBean
    public ModelHandle jllmModelHandle(JllmProperties p) {
        return SharedModels.local(p.getModel(), p.getThreads(), p.getContextSize(),
                e -> LOG.log(System.Logger.Level.INFO, "jllm: {0} {1}", e.stage(), e.message()));
    }

    @Bean
    @ConditionalOnMissingBean(org.springframework.ai.embedding.EmbeddingModel.class)
    public JllmEmbeddingModel jllmEmbeddingModel(ModelHandle handle) {
        return new JllmEmbeddingModel(handle);
    }

    @Bean
    @ConditionalOnMissingBean(org.springframework.ai.chat.model.ChatModel.class)
    public JllmChatModel jllmChatModel(ModelHandle handle, JllmProperties p) {
        return new JllmChatModel(handle, ChatOptions.builder().model(handle.model()).temperature(p.getTemperature())
                .topP(p.getTopP()).maxTokens(p.getMaxTokens()).build());
    }
}
