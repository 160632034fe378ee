package dev.jllm.api;

import dev.jllm.api.LlmException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class LlmExceptionTest {

    /** Each HTTP status (a client's or an upstream server's) and the kind it means; 418 and 599 are unlisted ones. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            400 | INVALID_REQUEST
            401 | AUTHENTICATION
            403 | PERMISSION
            404 | NOT_FOUND
            408 | TIMEOUT
            409 | CONFLICT
            429 | RATE_LIMITED
            500 | INTERNAL
            502 | UPSTREAM
            503 | UNAVAILABLE
            504 | TIMEOUT
            418 | INVALID_REQUEST
            599 | INTERNAL
            """)
    void statusesMapToKinds(int status, Kind kind) {
        assertThat(Kind.forStatus(status)).isEqualTo(kind);
    }

    @Test
    void anOpenAiCodeNamesAKindItsStatusDoesNot() {
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
