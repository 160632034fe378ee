package dev.jllm.api;

import dev.jllm.api.LlmException.Kind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LlmExceptionTest {

    @Test
    void statusesMapToKinds() {
        assertThat(Kind.forStatus(400)).isEqualTo(Kind.INVALID_REQUEST);
        assertThat(Kind.forStatus(401)).isEqualTo(Kind.AUTHENTICATION);
        assertThat(Kind.forStatus(403)).isEqualTo(Kind.PERMISSION);
        assertThat(Kind.forStatus(404)).isEqualTo(Kind.NOT_FOUND);
        assertThat(Kind.forStatus(408)).isEqualTo(Kind.TIMEOUT);
        assertThat(Kind.forStatus(409)).isEqualTo(Kind.CONFLICT);
        assertThat(Kind.forStatus(429)).isEqualTo(Kind.RATE_LIMITED);
        assertThat(Kind.forStatus(500)).isEqualTo(Kind.INTERNAL);
        assertThat(Kind.forStatus(502)).isEqualTo(Kind.UPSTREAM);
        assertThat(Kind.forStatus(503)).isEqualTo(Kind.UNAVAILABLE);
        assertThat(Kind.forStatus(504)).isEqualTo(Kind.TIMEOUT);
        assertThat(Kind.forStatus(418)).isEqualTo(Kind.INVALID_REQUEST);
        assertThat(Kind.forStatus(599)).isEqualTo(Kind.INTERNAL);
        assertThat(Kind.forError(400, "context_length_exceeded")).isEqualTo(Kind.CONTEXT_LENGTH_EXCEEDED);
    }

    @Test
    void everyKindMapsBackFromItsOwnStatus() {
        for (Kind k : Kind.values()) {
            assertThat(Kind.forError(k.httpStatus(), k.openAiCode())).as(k.name()).isEqualTo(k);
            assertThat(k.openAiType()).isNotBlank();
        }
    }

    @Test
    void aSeenStatusWinsOverTheKindsOwn() {
        LlmException e = new LlmException(Kind.INTERNAL, "x", 500, null);
        assertThat(e.httpStatus()).isEqualTo(500);
        assertThat(e.seenStatus()).hasValue(500);
        assertThat(new LlmException(Kind.UPSTREAM, "x").httpStatus()).isEqualTo(502);
        assertThat(new LlmException(Kind.UPSTREAM, "x").seenStatus()).isEmpty();
    }

    @Test
    void wrapKeepsLlmExceptionsAndMakesOthersInternal() {
        LlmException e = LlmException.notFound("nope");
        assertThat(LlmException.wrap(e)).isSameAs(e);
        LlmException w = LlmException.wrap(new IllegalStateException());
        assertThat(w.kind()).isEqualTo(Kind.INTERNAL);
        assertThat(w).hasMessage("IllegalStateException");
    }

    @Test
    void progressEventsDerivePercent() {
        assertThat(ProgressEvent.bytes("pulling", "x", 50, 200).percent()).isEqualTo(25.0);
        assertThat(ProgressEvent.bytes("pulling", "x", 5, 0).percentKnown()).isFalse();
        assertThat(ProgressEvent.of("loading", null).message()).isEmpty();
    }
}
