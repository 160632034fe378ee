package dev.jllm.server.routing;

import dev.jllm.server.openai.ClientGoneException;
import dev.jllm.server.http.StreamingBody;
import io.helidon.webserver.http.ServerResponse;

/**
 * Writes a {@code text/event-stream} answer by hand, flushing after every event so that each reaches the client at
 * once. Hand-written because the framing must be exactly {@code data: {json}\n\n}, with the space, which OpenAI
 * clients and SDKs expect. A failed write means the client is gone: it surfaces as {@link ClientGoneException}.
 * Not thread-safe: one writer per response, used by one thread.
 */
public final class SseWriter implements AutoCloseable {

    private final StreamingBody body;

    private SseWriter(StreamingBody body) {
        this.body = body;
    }

    /** Sends the 200 status and the event-stream headers and opens the body. */
    public static SseWriter start(ServerResponse res) {
        return new SseWriter(StreamingBody.start(res, "text/event-stream; charset=utf-8"));
    }

    /** {@code data: <payload>\n\n}. */
    public void data(String payload) {
        write(frame(null, null, payload));
    }

    /** {@code id: <id>\nevent: <event>\ndata: <payload>\n\n}. */
    public void event(long id, String event, String payload) {
        write(frame(Long.toString(id), event, payload));
    }

    /** {@code event: <event>\ndata: <payload>\n\n} without an id. */
    public void event(String event, String payload) {
        write(frame(null, event, payload));
    }

    /** A comment line, which clients ignore: keeps idle connections alive and finds clients that left. */
    public void comment(String text) {
        write(": " + text.replace('\n', ' ') + "\n\n");
    }

    /** The OpenAI end marker, {@code data: [DONE]}. */
    public void done() {
        data("[DONE]");
    }

    static String frame(String id, String event, String payload) {
        StringBuilder b = new StringBuilder(payload.length() + 32);
        if (id != null) {
            b.append("id: ").append(id).append('\n');
        }
        if (event != null) {
            b.append("event: ").append(event).append('\n');
        }
        // A payload with line breaks becomes one data line per line, which readers join back with '\n'.
        int start = 0;
        while (true) {
            int nl = payload.indexOf('\n', start);
            String line = nl < 0 ? payload.substring(start) : payload.substring(start, nl);
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            b.append("data: ").append(line).append('\n');
            if (nl < 0) {
                break;
            }
            start = nl + 1;
        }
        return b.append('\n').toString();
    }

    private void write(String s) {
        body.write(s);
    }

    /** Ends the answer; a failure here means the client left, which no longer matters. */
    @Override
    public void close() {
        body.close();
    }
}
