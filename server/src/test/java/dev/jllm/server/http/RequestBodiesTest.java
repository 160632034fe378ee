package dev.jllm.server.http;

import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ApiException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestBodiesTest {

    private static ApiError refused(String body) {
        try {
            RequestBodies.parseObject(body.getBytes(StandardCharsets.UTF_8));
        } catch (ApiException e) {
            return e.error();
        }
        throw new AssertionError("accepted: " + (body.length() > 80 ? body.substring(0, 80) + "..." : body));
    }

    @Test
    void anObjectIsRead() {
        assertThat(RequestBodies.parseObject("{\"a\": [1, {\"b\": null}]}".getBytes(StandardCharsets.UTF_8))
                .getJsonArray("a")).hasSize(2);
    }

    @Test
    void whatIsNotOneJsonObjectIs400() {
        for (String body : new String[] {"", "[]", "42", "{\"a\":", "{} {}", "{\"a\":1} trailing", "\u00ff{"}) {
            ApiError e = refused(body);
            assertThat(e.status()).as(body).isEqualTo(400);
            assertThat(e.type()).isEqualTo("invalid_request_error");
        }
    }

    @Test
    void deepNestingIs400NotACrash() {
        String deep = "{\"a\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}";
        assertThat(refused(deep).status()).isEqualTo(400);
    }

    @Test
    void tooLargeIs413() {
        assertThatThrownBy(() -> { throw RequestBodies.tooLarge(10); }).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.error().status()).isEqualTo(413));
    }
}
