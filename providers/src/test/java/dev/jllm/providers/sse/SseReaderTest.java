package dev.jllm.providers.sse;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SseReaderTest {

    /** Hands out the bytes in pieces of the given sizes, like a network delivering small reads. */
    static final class PiecewiseStream extends InputStream {
        private final byte[] bytes;
        private final int[] cuts;
        private int pos;
        private int cut;

        PiecewiseStream(byte[] bytes, int[] cuts) {
            this.bytes = bytes;
            this.cuts = cuts;
        }

        @Override
        public int read() {
            return pos < bytes.length ? bytes[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= bytes.length) {
                return -1;
            }
            int limit = cut < cuts.length ? cuts[cut++] : bytes.length;
            int n = Math.min(len, Math.max(1, Math.min(limit, bytes.length) - pos));
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    static List<SseEvent> readAll(InputStream in) throws IOException {
        SseReader r = new SseReader(in);
        List<SseEvent> out = new ArrayList<>();
        SseEvent e;
        while ((e = r.next()) != null) {
            out.add(e);
        }
        return out;
    }

    static List<SseEvent> readAll(String s) throws IOException {
        return readAll(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsDataEventsAndDropsOneSpaceAfterTheColon() throws IOException {
        assertThat(readAll("data: a\n\ndata:b\n\ndata:  c\n\n")).extracting(SseEvent::data)
                .containsExactly("a", "b", " c");
    }

    @Test
    void joinsMultiLineDataWithNewlines() throws IOException {
        assertThat(readAll("data: first\ndata\ndata: third\n\n")).extracting(SseEvent::data)
                .containsExactly("first\n\nthird");
    }

    @Test
    void skipsCommentsAndKeepsEventTypeAndId() throws IOException {
        List<SseEvent> events = readAll(": keep-alive\n\nevent: update\nid: 7\n: inside\ndata: x\n\ndata: y\n\n");
        assertThat(events).containsExactly(new SseEvent("update", "x", "7"), new SseEvent("message", "y", "7"));
    }

    @Test
    void ignoresIdsWithNulAndUnknownFieldsAndEmptyEvents() throws IOException {
        List<SseEvent> events = readAll("id: 1\ndata: a\n\nid: 2\0x\nretry: 10\nfoo: bar\ndata: b\n\nevent: e\n\n");
        assertThat(events).containsExactly(new SseEvent("message", "a", "1"), new SseEvent("message", "b", "1"));
    }

    @Test
    void acceptsCrLfAndCrAndLfLineEnds() throws IOException {
        assertThat(readAll("data: a\r\n\r\ndata: b\r\rdata: c\n\ndata: d\r\n\n")).extracting(SseEvent::data)
                .containsExactly("a", "b", "c", "d");
    }

    @Test
    void dropsALeadingBom() throws IOException {
        assertThat(readAll("\uFEFFdata: a\n\n")).extracting(SseEvent::data).containsExactly("a");
    }

    @Test
    void discardsAnEventCutOffAtEndOfInput() throws IOException {
        SseReader r = new SseReader(new ByteArrayInputStream("data: a\n\ndata: partial\n".getBytes()));
        assertThat(r.next().data()).isEqualTo("a");
        assertThat(r.next()).isNull();
        assertThat(r.endedInsideEvent()).isTrue();

        SseReader clean = new SseReader(new ByteArrayInputStream("data: a\n\n".getBytes()));
        clean.next();
        assertThat(clean.next()).isNull();
        assertThat(clean.endedInsideEvent()).isFalse();

        SseReader midLine = new SseReader(new ByteArrayInputStream("data: a\n\ndat".getBytes()));
        midLine.next();
        assertThat(midLine.next()).isNull();
        assertThat(midLine.endedInsideEvent()).isTrue();
    }

    @Test
    void eventsSplitAtEveryBytePositionComeOutWhole() throws IOException {
        // Two-, three- and four-byte UTF-8 characters, CRLF line ends, a comment and a multi-line event.
        String doc = ": hi\r\ndata: {\"content\":\"h\u00e9llo \u4e16\u754c \ud83d\udc4b\"}\r\n\r\n"
                + "event: x\ndata: l1\ndata: l2\n\ndata: [DONE]\r\n\r\n";
        byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
        List<SseEvent> expected = readAll(doc);
        assertThat(expected).extracting(SseEvent::data)
                .containsExactly("{\"content\":\"h\u00e9llo \u4e16\u754c \ud83d\udc4b\"}", "l1\nl2", "[DONE]");
        for (int split = 1; split < bytes.length; split++) {
            assertThat(readAll(new PiecewiseStream(bytes, new int[] {split}))).as("split at %d", split)
                    .isEqualTo(expected);
        }
        // One byte per read: every boundary at once, including CR|LF and inside every multi-byte character.
        int[] ones = new int[bytes.length];
        for (int i = 0; i < ones.length; i++) {
            ones[i] = i + 1;
        }
        assertThat(readAll(new PiecewiseStream(bytes, ones))).isEqualTo(expected);
        Random random = new Random(42);
        for (int trial = 0; trial < 200; trial++) {
            List<Integer> cuts = new ArrayList<>();
            int at = 0;
            while (at < bytes.length) {
                at += 1 + random.nextInt(7);
                cuts.add(at);
            }
            assertThat(readAll(new PiecewiseStream(bytes, cuts.stream().mapToInt(i -> i).toArray())))
                    .as("trial %d", trial).isEqualTo(expected);
        }
    }

    @Test
    void refusesEndlessLines() {
        byte[] endless = new byte[5000];
        java.util.Arrays.fill(endless, (byte) 'a');
        SseReader r = new SseReader(new ByteArrayInputStream(endless), 1024);
        assertThatThrownBy(r::next).isInstanceOf(IOException.class).hasMessageContaining("longer than 1024");
    }

    @Test
    void refusesEndlessEvents() {
        String many = "data: 0123456789\n".repeat(200);
        SseReader r = new SseReader(new ByteArrayInputStream(many.getBytes()), 1024);
        assertThatThrownBy(r::next).isInstanceOf(IOException.class).hasMessageContaining("data longer than");
    }
}
