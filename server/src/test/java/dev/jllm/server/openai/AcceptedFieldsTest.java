package dev.jllm.server.openai;

import dev.jllm.api.openai.ChatCompletionRequest;
import org.junit.jupiter.api.Test;

import static dev.jllm.server.openai.ChatRequests.parse;
import static dev.jllm.server.openai.ChatRequests.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Newer OpenAI request members: accepted (type-checked) and ignored, or refused with the reason. */
class AcceptedFieldsTest {

    @Test
    void newerMembersAreAccepted() {
        ChatCompletionRequest r = parse("""
                {"model":"m","messages":[{"role":"developer","content":"be brief"},
                   {"role":"user","content":"hi"},
                   {"role":"assistant","content":"x","reasoning_content":"thought","audio":{"id":"a1"}}],
                 "store":false,"metadata":{"k":"v"},"service_tier":"auto","prompt_cache_key":"p",
                 "prompt_cache_retention":"24h","safety_identifier":"s","modalities":["text"],"verbosity":"low",
                 "web_search_options":{},"prediction":{"type":"content","content":"hello"},"user":"u",
                 "reasoning_effort":"low","stream":true,"stream_options":{"include_usage":true,"include_obfuscation":false}}
                """);
        assertThat(r.reasoningEffort()).isEqualTo("low");
        assertThat(r.messages().get(2).reasoningContent()).isEqualTo("thought");
    }

    @Test
    void valuesThatCannotBeHonouredAreRefusedWithTheReason() {
        ApiError audio = refusal("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"modalities\":[\"text\",\"audio\"]}");
        assertThat(audio.param()).isEqualTo("modalities[1]");
        assertThat(audio.message()).contains("text only");
        assertThat(refusal("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"audio\":{\"voice\":\"alloy\",\"format\":\"mp3\"}}")
                .param()).isEqualTo("audio");
        ApiError functions = refusal("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"functions\":[{\"name\":\"f\"}]}");
        assertThat(functions.param()).isEqualTo("functions");
        assertThat(functions.message()).contains("'tools'");
    }

    @Test
    void acceptedMembersAreStillTypeChecked() {
        assertThat(refusal("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"store\":\"yes\"}").param())
                .isEqualTo("store");
        assertThat(refusal("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"service_tier\":\"gold\"}").param())
                .isEqualTo("service_tier");
        assertThat(refusal("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"metadata\":{\"k\":1}}").param())
                .isEqualTo("metadata.k");
        assertThat(refusal("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"reasoning_effort\":\"extreme\"}").param())
                .isEqualTo("reasoning_effort");
        assertThatThrownBy(() -> parse("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"storee\":true}"))
                .isInstanceOf(ApiException.class).hasMessageContaining("Unrecognized request argument supplied: storee");
    }
}
