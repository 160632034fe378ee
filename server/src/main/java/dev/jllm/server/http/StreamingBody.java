package dev.jllm.server.http;

import dev.jllm.server.openai.ClientGoneException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The body of a streamed answer (server-sent events, Ollama's NDJSON): written and flushed piece by piece so that
 * each token reaches the client at once. A failed write means the client is gone: it surfaces as
 * {@link ClientGoneException}, and the body stays closed. Not thread-safe: one per response, used by one thread.
 */
public final class StreamingBody implements AutoCloseable {

    private final OutputStream out;
    private boolean closed;

    private StreamingBody(OutputStream out) {
        this.out = out;
    }

    /** Sends the 200 status and the streaming headers, with {@code contentType}, and opens the body. */
    public static StreamingBody start(ServerResponse res, String contentType) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        // Reverse proxies (nginx) buffer answers unless told not to, which would hold tokens back.
        res.header("X-Accel-Buffering", "no");
        try {
            StreamingBody body = new StreamingBody(res.outputStream());
            body.out.flush(); // the headers go out now, before the first piece: clients see the stream has begun
            return body;
        } catch (IOException | RuntimeException e) {
            throw new ClientGoneException(e);
        }
    }

    /** Writes {@code s} as UTF-8 and flushes it. */
    public void write(String s) {
        if (closed) {
            throw new ClientGoneException(new IOException("the stream is closed"));
        }
        try {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException | RuntimeException e) {
            // Helidon reports a closed connection with its own unchecked exceptions, as well as IOExceptions.
            closed = true;
            throw new ClientGoneException(e);
        }
    }

    /** Ends the answer; a failure here means the client left, which no longer matters. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException | RuntimeException ignored) {
            // the client is gone; there is no one left to tell
        }
    }
}
