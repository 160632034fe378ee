package dev.jllm.server.openai;

import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.LlmException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorsTest {

    @Test
    void kindsMapToOpenAiStatusesAndRetryHints() {
        ApiError ctx = Errors.from(new LlmException(Kind.CONTEXT_LENGTH_EXCEEDED, "too long"));
        assertThat(ctx.status()).isEqualTo(400);
        assertThat(ctx.code()).isEqualTo("context_length_exceeded");
        assertThat(ctx.type()).isEqualTo("invalid_request_error");

        ApiError internal = Errors.from(new LlmException(Kind.INTERNAL, "broke"));
        assertThat(internal.status()).isEqualTo(500);
        assertThat(internal.shouldNotRetry()).isTrue();

        assertThat(Errors.from(new LlmException(Kind.UNAVAILABLE, "busy")).retryAfter()).isNotNull();
        assertThat(Errors.from(new LlmException(Kind.RATE_LIMITED, "slow down")).status()).isEqualTo(429);
        assertThat(Errors.from(new LlmException(Kind.NOT_SUPPORTED, "no")).status()).isEqualTo(501);
        // The server's own clients are checked by the server; an instance's refused credentials are upstream's.
        assertThat(Errors.from(new LlmException(Kind.AUTHENTICATION, "bad upstream key")).status()).isEqualTo(502);
    }

    @Test
    void theFieldAnEngineRefusesBecomesTheParam() {
        assertThat(Errors.from(LlmException.invalidParam("top_k", "must be positive")).param()).isEqualTo("top_k");
        // the param is what the raiser set, never read back out of the message
        assertThat(Errors.from(LlmException.invalid("invalid 'top_k': must be positive")).param()).isNull();
        assertThat(Errors.from(LlmException.invalid("something else")).param()).isNull();
    }

    @Test
    void unexpectedExceptionsLeakNothing() {
        ApiError e = Errors.from(new NullPointerException("secret internal detail"));
        assertThat(e.status()).isEqualTo(500);
        assertThat(e.message()).doesNotContain("secret").doesNotContain("NullPointer").contains("ref ");
        assertThat(e.toJson().toString()).doesNotContain("secret");
    }
}
