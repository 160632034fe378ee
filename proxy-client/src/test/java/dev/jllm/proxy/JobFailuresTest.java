package dev.jllm.proxy;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A job's error event gives back the exception the service threw on the server. */
class JobFailuresTest {

    /** What the server writes for an LlmException of this kind (docs/jobs-api.md, "The job object"). */
    private static String event(Kind kind, String message) {
        return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + kind.openAiType() + "\",\"param\":null,"
                + "\"code\":" + (kind.openAiCode() == null ? "null" : "\"" + kind.openAiCode() + "\"")
                + ",\"http_status\":" + kind.httpStatus() + "}}";
    }

    @ParameterizedTest
    @EnumSource(value = Kind.class, names = {"AUTHENTICATION", "PERMISSION"}, mode = EnumSource.Mode.EXCLUDE)
    void everyKindTheServerReportsComesBack(Kind kind) {
        LlmException e = JobFailures.fromErrorEvent(event(kind, "went wrong"), "job_1");
        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.getMessage()).isEqualTo("went wrong");
        assertThat(e.seenStatus()).isEmpty();
    }

    @Test
    void aStatusOtherThanTheKindsIsKeptAsSeen() {
        LlmException e = JobFailures.fromErrorEvent("{\"error\":{\"message\":\"gone\","
                + "\"type\":\"invalid_request_error\",\"code\":\"events_expired\",\"http_status\":410}}", "job_1");
        assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST);
        assertThat(e.httpStatus()).isEqualTo(410);
    }

    @Test
    void anUnknownTypeFallsBackToTheStatus() {
        LlmException e = JobFailures.fromErrorEvent("{\"error\":{\"message\":\"busy\",\"type\":\"whatever\","
                + "\"http_status\":429}}", "job_1");
        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        LlmException none = JobFailures.fromErrorEvent("{\"error\":{}}", "job_7");
        assertThat(none.kind()).isEqualTo(Kind.UPSTREAM);
        assertThat(none.getMessage()).contains("job_7");
    }

    @Test
    void aMalformedEventIsTheServersFault() {
        assertThatThrownBy(() -> JobFailures.fromErrorEvent("not json", "job_1"))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UPSTREAM))
                .hasMessageContaining("malformed");
        assertThatThrownBy(() -> JobFailures.fromErrorEvent("{\"error\":\"text\"}", "job_1"))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UPSTREAM));
    }
}
