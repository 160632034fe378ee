package dev.jllm.api.openai;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.json.Json;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorResponseJsonTest {

    @Test
    void readsAnOpenAiErrorAndMapsItToAKind() {
        ErrorResponse r = Json.fromJson(Resources.read("error.json"), ErrorResponse.class);
        assertThat(r.error().type()).isEqualTo("invalid_request_error");
        assertThat(r.error().param()).isEqualTo("messages");
        assertThat(r.error().code()).isEqualTo("context_length_exceeded");
        LlmException e = LlmException.fromErrorResponse(r, 400);
        assertThat(e.kind()).isEqualTo(Kind.CONTEXT_LENGTH_EXCEEDED);
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.param()).contains("messages");
        assertThat(e).hasMessageStartingWith("This model's maximum context length is 8192 tokens.");
    }

    @Test
    void readsANumericCodeAsText() {
        ErrorResponse r = Json.fromJson(Resources.read("error-numeric-code.json"), ErrorResponse.class);
        assertThat(r.error().code()).isEqualTo("404");
        assertThat(r.error().param()).isNull();
        assertThat(LlmException.fromErrorResponse(r, 404).kind()).isEqualTo(Kind.NOT_FOUND);
    }

    @Test
    void writesTheErrorOfAnException() {
        String json = Json.toJson(new LlmException(Kind.RATE_LIMITED, "slow down").toErrorResponse());
        assertThat(json).isEqualTo("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_error\"}}");
        String ctx = Json.toJson(new LlmException(Kind.CONTEXT_LENGTH_EXCEEDED, "too long").toErrorResponse());
        assertThat(ctx).isEqualTo("{\"error\":{\"code\":\"context_length_exceeded\",\"message\":\"too long\","
                + "\"type\":\"invalid_request_error\"}}");
    }

    @Test
    void everyKindSurvivesTheTripThroughItsStatusAndCode() {
        for (Kind k : Kind.values()) {
            LlmException e = LlmException.fromErrorResponse(new LlmException(k, "x").toErrorResponse(), k.httpStatus());
            assertThat(e.kind()).as(k.name()).isEqualTo(k);
        }
    }

    @Test
    void anEmptyMessageFallsBackToTheStatus() {
        assertThat(LlmException.fromErrorResponse(new ErrorResponse(new ErrorBody("", null, null, null)), 503))
                .hasMessage("HTTP 503").extracting(LlmException::kind).isEqualTo(Kind.UNAVAILABLE);
        assertThat(LlmException.fromErrorResponse(new ErrorResponse(null), 500).kind()).isEqualTo(Kind.INTERNAL);
    }
}
