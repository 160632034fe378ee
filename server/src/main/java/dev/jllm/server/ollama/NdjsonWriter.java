package dev.jllm.server.ollama;

import dev.jllm.server.openai.ClientGoneException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonObject;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Ollama's streaming: {@code application/x-ndjson}, one JSON object per line, flushed per line so each token reaches
 * the client at once. A failed write means the client left ({@link ClientGoneException}). One writer per response.
 */
final class NdjsonWriter implements AutoCloseable {

    private final OutputStream out;
    private boolean closed;

    private NdjsonWriter(OutputStream out) {
        this.out = out;
    }

    static NdjsonWriter start(ServerResponse res) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, "application/x-ndjson");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header("X-Accel-Buffering", "no");
        try {
            NdjsonWriter w = new NdjsonWriter(res.outputStream());
            w.out.flush();
            return w;
        } catch (IOException | UncheckedIOException e) {
            throw new ClientGoneException(e);
        }
    }

    void line(JsonObject o) {
        if (closed) {
            throw new ClientGoneException(new IOException("the stream is closed"));
        }
        try {
            out.write((o.toString() + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException | RuntimeException e) {
            closed = true;
            throw new ClientGoneException(e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException | RuntimeException ignored) {
            // the client is gone
        }
    }
}
