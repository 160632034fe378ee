package dev.jllm.server.openai;

import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.server.http.RequestBodies;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The request checks' tests share these: parse a chat request body as the route does, or see why it is refused. */
final class ChatRequests {

    private ChatRequests() { }

    static ChatCompletionRequest parse(String json) {
        return ChatRequestValidator.parse(RequestBodies.parseObject(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** The error a refused body gets; fails the test if the body is accepted. */
    static ApiError refusal(String json) {
        try {
            parse(json);
        } catch (ApiException e) {
            return e.error();
        }
        throw new AssertionError("accepted: " + json);
    }

    /** The member a refused body is blamed on, checking the refusal is a 400. */
    static String param(String json) {
        ApiError e = refusal(json);
        assertThat(e.status()).isEqualTo(400);
        return e.param();
    }
}
