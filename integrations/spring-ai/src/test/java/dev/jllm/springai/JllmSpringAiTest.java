package dev.jllm.springai;

import dev.jllm.api.ModelHandle;
import dev.jllm.api.SharedModels;
import dev.jllm.models.testing.TestData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import reactor.core.Disposable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring AI over jllm, in-process on the real stories260K model: a Spring Boot application context started with
 * the auto-configuration, whole and streamed answers, options, cancellation of a stream.
 */
@Timeout(180)
class JllmSpringAiTest {

    static Path model;

    @BeforeAll
    static void home() {
        model = TestData.stories260k();
        System.setProperty("jllm.home", Path.of("target", "jllm-home").toAbsolutePath().toString());
    }

    private ApplicationContextRunner app() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JllmAutoConfiguration.class))
                .withPropertyValues("jllm.model=" + model, "jllm.threads=1", "jllm.context-size=256",
                        "jllm.temperature=0", "jllm.max-tokens=24");
    }

    @Test
    void withoutAModelPropertyNothingStarts() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(JllmAutoConfiguration.class))
                .run(ctx -> assertThat(ctx).doesNotHaveBean(ChatModel.class));
    }

    @Test
    void theAutoConfigurationServesTheModelOnceAndAnswers() {
        app().run(ctx -> {
            assertThat(ctx).hasSingleBean(ChatModel.class);
            assertThat(ctx).hasSingleBean(StreamingChatModel.class);
            ChatModel chat = ctx.getBean(ChatModel.class);
            ModelHandle handle = ctx.getBean(ModelHandle.class);
            assertThat(handle.service()).isSameAs(SharedModels.service());
            assertThat(handle.service().info(handle.instance()).loadedModels()).containsExactly(model.toString());

            ChatResponse r = chat.call(new Prompt(List.of(new SystemMessage("You tell stories."),
                    new UserMessage("Once upon a time"))));
            assertThat(r.getResult().getOutput().getText()).isNotBlank();
            assertThat(r.getResult().getMetadata().getFinishReason()).isIn("STOP", "LENGTH");
            assertThat(r.getMetadata().getUsage().getPromptTokens()).isPositive();
            assertThat(r.getMetadata().getUsage().getCompletionTokens()).isPositive();
            assertThat(r.getMetadata().getModel()).isEqualTo(model.toString());

            // Embeddings from the same loaded model.
            org.springframework.ai.embedding.EmbeddingModel embedding =
                    ctx.getBean(org.springframework.ai.embedding.EmbeddingModel.class);
            List<float[]> vectors = embedding.embed(List.of("Once upon a time", "Lily went to the park."));
            assertThat(vectors).hasSize(2);
            assertThat(vectors.get(0)).hasSize(64);
            assertThat(embedding.dimensions()).isEqualTo(64);
            assertThat(embedding.embed("Once upon a time")).containsExactly(vectors.get(0));

            // The prompt's options override the defaults.
            ChatResponse shortOne = chat.call(new Prompt("Once upon a time", ChatOptions.builder().maxTokens(3)
                    .temperature(0.0).build()));
            assertThat(shortOne.getMetadata().getUsage().getCompletionTokens()).isEqualTo(3);
            assertThat(shortOne.getResult().getMetadata().getFinishReason()).isEqualTo("LENGTH");

            // Streamed pieces add up to the whole answer.
            String whole = chat.call("Once upon a time");
            List<String> pieces = ctx.getBean(StreamingChatModel.class).stream("Once upon a time")
                    .collectList().block(Duration.ofSeconds(60));
            assertThat(pieces).hasSizeGreaterThan(1);
            assertThat(String.join("", pieces)).isEqualTo(whole);
        });
    }

    @Test
    void cancellingTheStreamStopsTheGeneration() {
        app().run(ctx -> {
            JllmChatModel chat = ctx.getBean(JllmChatModel.class);
            List<String> pieces = new CopyOnWriteArrayList<>();
            Disposable d = chat.stream(new Prompt("Once upon a time", ChatOptions.builder().maxTokens(200).build()))
                    .subscribe(r -> pieces.add(r.getResult().getOutput().getText()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (pieces.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            d.dispose();
            Thread.sleep(500);
            int seen = pieces.size();
            Thread.sleep(500);
            assertThat(pieces).hasSize(seen);
            assertThat(chat.handle().service().info(chat.handle().instance()).details().get("active_sequences"))
                    .isEqualTo("0");
        });
    }
}
