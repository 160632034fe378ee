package dev.jllm.server.ollama;

import dev.jllm.server.http.StreamingBody;
import dev.jllm.server.openai.ClientGoneException;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonObject;

/**
 * Ollama's streaming: {@code application/x-ndjson}, one JSON object per line, flushed per line so each token reaches
 * the client at once. A failed write means the client left ({@link ClientGoneException}). One writer per response.
 */
final class NdjsonWriter implements AutoCloseable {

    private final StreamingBody body;

    private NdjsonWriter(StreamingBody body) {
        this.body = body;
    }

    static NdjsonWriter start(ServerResponse res) {
        return new NdjsonWriter(StreamingBody.start(res, "application/x-ndjson"));
    }

    void line(JsonObject o) {
        body.write(o.toString() + "\n");
    }

    @Override
    public void close() {
        body.close();
    }
}
