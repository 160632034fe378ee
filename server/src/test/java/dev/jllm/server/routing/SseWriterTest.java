package dev.jllm.server.routing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SseWriterTest {

    @Test
    void framesAreDataWithASpaceAndABlankLine() {
        assertThat(SseWriter.frame(null, null, "{\"a\":1}")).isEqualTo("data: {\"a\":1}\n\n");
        assertThat(SseWriter.frame("7", "chunk", "{}")).isEqualTo("id: 7\nevent: chunk\ndata: {}\n\n");
    }

    @Test
    void lineBreaksInAPayloadBecomeSeveralDataLines() {
        assertThat(SseWriter.frame(null, null, "a\nb\r\nc")).isEqualTo("data: a\ndata: b\ndata: c\n\n");
    }
}
