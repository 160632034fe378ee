package dev.jllm.providers.sse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads server-sent events from a byte stream, following the WHATWG HTML "event stream interpretation": lines end
 * with CR, LF or CRLF (a CRLF split across two reads is still one line end); a leading UTF-8 BOM is dropped; lines
 * starting with ':' are comments; {@code field:value} drops one space after the colon; {@code data} lines are
 * joined with "\n"; an empty line dispatches the event, unless it has no data; {@code id} values containing NUL
 * are ignored; an event still open at end of input is discarded.
 *
 * <p>Bytes are collected per line and decoded as UTF-8 only when the line is complete, so an event (or a
 * multi-byte character) split across network reads at any byte comes out whole. Lines and events are capped so a
 * misbehaving server cannot exhaust memory. Not thread-safe.
 */
public final class SseReader {

    /** Longest line accepted; a chunk of generated text is tiny, a whole completion rarely beyond a few MB. */
    public static final int DEFAULT_MAX_LINE = 16 * 1024 * 1024;

    private final InputStream in;
    private final int maxLine;
    private final byte[] readBuffer = new byte[8192];
    private int readPos;
    private int readEnd;
    private byte[] line = new byte[256];
    private int lineLen;
    private boolean lastWasCr;
    private boolean bomChecked;
    private boolean eof;

    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventId = "";
    private boolean pendingEvent;

    public SseReader(InputStream in) {
        this(in, DEFAULT_MAX_LINE);
    }

    public SseReader(InputStream in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
    }

    /**
     * The next event, blocking until one is complete.
     *
     * @return the event, or null at end of input (an unfinished event is dropped; see {@link #endedInsideEvent()})
     * @throws IOException from the underlying stream, or when a line or event exceeds the cap
     */
    public SseEvent next() throws IOException {
        while (true) {
            String l = readLine();
            if (l == null) {
                return null;
            }
            SseEvent e = processLine(l);
            if (e != null) {
                return e;
            }
        }
    }

    /** Whether input ended while an event had fields but no terminating blank line. */
    public boolean endedInsideEvent() {
        return eof && (pendingEvent || lineLen > 0);
    }

    private SseEvent processLine(String l) throws IOException {
        if (l.isEmpty()) {
            return dispatch();
        }
        if (l.charAt(0) == ':') {
            return null;
        }
        pendingEvent = true;
        int colon = l.indexOf(':');
        String field;
        String value;
        if (colon < 0) {
            field = l;
            value = "";
        } else {
            field = l.substring(0, colon);
            int start = colon + 1;
            if (start < l.length() && l.charAt(start) == ' ') {
                start++;
            }
            value = l.substring(start);
        }
        switch (field) {
            case "event" -> eventType = value;
            case "data" -> {
                if (data.length() + value.length() + 1 > maxLine) {
                    throw new IOException("server-sent event data longer than " + maxLine + " characters");
                }
                data.append(value).append('\n');
            }
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            default -> {
                // "retry" only matters to reconnecting clients, and unknown fields are ignored by the spec.
            }
        }
        return null;
    }

    private SseEvent dispatch() {
        pendingEvent = false;
        if (data.isEmpty()) {
            eventType = "";
            return null;
        }
        data.setLength(data.length() - 1);
        SseEvent e = new SseEvent(eventType.isEmpty() ? "message" : eventType, data.toString(), lastEventId);
        data.setLength(0);
        eventType = "";
        return e;
    }

    /** The next complete line without its terminator, or null at end of input. */
    private String readLine() throws IOException {
        while (true) {
            if (readPos == readEnd) {
                if (eof) {
                    return null;
                }
                int n = in.read(readBuffer);
                if (n < 0) {
                    eof = true;
                    // A last line without a terminator is incomplete: the spec discards it with the event.
                    return null;
                }
                readPos = 0;
                readEnd = n;
                continue;
            }
            byte b = readBuffer[readPos++];
            if (b == '\n') {
                if (lastWasCr) {
                    lastWasCr = false; // the LF of a CRLF whose CR already ended the line
                    continue;
                }
                return takeLine();
            }
            if (b == '\r') {
                lastWasCr = true;
                return takeLine();
            }
            lastWasCr = false;
            if (lineLen == line.length) {
                if (lineLen >= maxLine) {
                    throw new IOException("server-sent event line longer than " + maxLine + " bytes");
                }
                line = Arrays.copyOf(line, Math.min(maxLine, lineLen * 2));
            }
            line[lineLen++] = b;
        }
    }

    private String takeLine() {
        int start = 0;
        if (!bomChecked) {
            bomChecked = true;
            if (lineLen >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB && (line[2] & 0xFF) == 0xBF) {
                start = 3;
            }
        }
        String s = new String(line, start, lineLen - start, StandardCharsets.UTF_8);
        lineLen = 0;
        return s;
    }
}
