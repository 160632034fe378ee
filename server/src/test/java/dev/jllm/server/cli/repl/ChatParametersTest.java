package dev.jllm.server.cli.repl;

import dev.jllm.api.openai.ChatCompletionRequest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatParametersTest {

    @Test
    void setParametersReachTheRequest() {
        ChatParameters p = new ChatParameters();
        p.set("temperature", List.of("0.2"));
        p.set("top_p", List.of("0.9"));
        p.set("TOP_K", List.of("20"));
        p.set("min_p", List.of("0.1"));
        p.set("seed", List.of("-7"));
        p.set("num_predict", List.of("33"));
        p.set("stop", List.of("The end", "###"));
        p.set("repeat_penalty", List.of("1.1"));
        p.set("presence_penalty", List.of("-0.5"));
        p.set("frequency_penalty", List.of("0.5"));
        ChatCompletionRequest r = p.applyTo(ChatCompletionRequest.builder().model("m")).build();
        assertThat(r.temperature()).isEqualTo(0.2);
        assertThat(r.topP()).isEqualTo(0.9);
        assertThat(r.topK()).isEqualTo(20);
        assertThat(r.minP()).isEqualTo(0.1);
        assertThat(r.seed()).isEqualTo(-7L);
        assertThat(r.maxTokens()).isEqualTo(33);
        assertThat(r.stop()).containsExactly("The end", "###");
        assertThat(r.repeatPenalty()).isEqualTo(1.1);
        assertThat(r.presencePenalty()).isEqualTo(-0.5);
        assertThat(r.frequencyPenalty()).isEqualTo(0.5);
    }

    @Test
    void noLimitSendsNoMaxTokens() {
        ChatParameters p = new ChatParameters();
        p.set("num_predict", List.of("-1"));
        assertThat(p.applyTo(ChatCompletionRequest.builder()).build().maxTokens()).isNull();
    }

    @Test
    void badNamesAndValuesAreRefusedByName() {
        ChatParameters p = new ChatParameters();
        assertThatThrownBy(() -> p.set("temprature", List.of("1"))).isInstanceOf(ReplError.class)
                .hasMessageStartingWith("unknown parameter 'temprature'; known: temperature, top_p");
        assertThatThrownBy(() -> p.set("temperature", List.of("3"))).hasMessage(
                "temperature must be between 0 and 2, got 3");
        assertThatThrownBy(() -> p.set("temperature", List.of("warm"))).hasMessage(
                "temperature must be a number, got 'warm'");
        assertThatThrownBy(() -> p.set("top_k", List.of("-1"))).hasMessage("top_k must be at least 0, got -1");
        assertThatThrownBy(() -> p.set("num_predict", List.of("0"))).hasMessage(
                "num_predict must be at least 1, or -1 for no limit, got 0");
        assertThatThrownBy(() -> p.set("repeat_penalty", List.of("0"))).hasMessage(
                "repeat_penalty must be positive (1 = off), got 0");
        assertThatThrownBy(() -> p.set("seed", List.of("1", "2"))).hasMessage("seed takes one value, got 2: 1 2");
        assertThatThrownBy(() -> p.set("num_ctx", List.of())).hasMessage("give a value: /set parameter num_ctx VALUE");
        assertThat(p.set()).isEmpty(); // nothing refused was kept
    }
}
