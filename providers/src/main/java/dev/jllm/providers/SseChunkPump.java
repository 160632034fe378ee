package dev.jllm.providers;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.QueuedChatCompletionStream;
import dev.jllm.api.json.Json;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.TextCompletion;
import dev.jllm.providers.http.HttpErrors;
import dev.jllm.providers.http.IdleWatchdog;
import dev.jllm.providers.sse.SseEvent;
import dev.jllm.providers.sse.SseReader;
import jakarta.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;

/**
 * Moves one streamed HTTP answer into a {@link QueuedChatCompletionStream}: SSE events in, chunks out, until
 * {@code [DONE]}. Anything else that ends the stream is an error for the reader: an error payload, a malformed
 * chunk, silence beyond the idle limit, a lost connection, or a body that ends without {@code [DONE]} (a cut
 * connection must never look like a complete answer). Runs on its own (virtual) thread.
 */
final class SseChunkPump implements Runnable {

    private final InputStream body;
    private final QueuedChatCompletionStream stream;
    private final IdleWatchdog.Watch watch;
    private final Duration idle;
    private final URI uri;
    /** The wire type of the chunks: chat chunks, or legacy text_completion chunks (raw completions). */
    private final Class<?> wire;

    SseChunkPump(InputStream body, QueuedChatCompletionStream stream, IdleWatchdog.Watch watch, Duration idle,
                 URI uri) {
        this(body, stream, watch, idle, uri, ChatCompletionChunk.class);
    }

    /** @param wire {@code ChatCompletionChunk.class} or {@code TextCompletion.class} */
    SseChunkPump(InputStream body, QueuedChatCompletionStream stream, IdleWatchdog.Watch watch, Duration idle,
                 URI uri, Class<?> wire) {
        this.wire = wire;
        this.body = body;
        this.stream = stream;
        this.watch = watch;
        this.idle = idle;
        this.uri = uri;
    }

    @Override
    public void run() {
        SseReader reader = new SseReader(body);
        try {
            SseEvent event;
            while ((event = reader.next()) != null) {
                String data = event.data();
                if (data.strip().equals("[DONE]")) {
                    stream.complete();
                    drain();
                    return;
                }
                JsonObject error = HttpErrors.errorObject(data);
                if (error != null) {
                    failUpstream(HttpErrors.fromErrorJson(error, 0));
                    return;
                }
                if (event.type().equals("error")) {
                    failUpstream(new LlmException(Kind.UPSTREAM, data.isBlank() ? "error event from " + uri : data));
                    return;
                }
                if (!stream.emit(parse(data))) {
                    return; // the reader closed the stream
                }
            }
            if (!stream.isCancelled()) {
                failUpstream(watch.fired() ? timeout(null)
                        : new LlmException(Kind.UPSTREAM, "the stream from " + uri + " ended before [DONE]"
                                + (reader.endedInsideEvent() ? " (cut inside an event)" : "")));
            }
        } catch (IOException e) {
            if (!stream.isCancelled()) {
                failUpstream(watch.fired() ? timeout(e)
                        : new LlmException(Kind.UPSTREAM, "the stream from " + uri + " broke: "
                                + e.getMessage(), e));
            }
        } catch (RuntimeException e) {
            failUpstream(e);
        } finally {
            watch.close();
            try {
                body.close();
            } catch (IOException | RuntimeException ignored) {
                // already aborted or finished: nothing left to free
            }
        }
    }

    /**
     * Reads what little follows [DONE] (the end of the chunked body), so the connection goes back to the client's
     * pool instead of being torn down; a server that keeps talking is cut off after a few kilobytes, and one that
     * goes silent is cut off by the idle watchdog.
     */
    private void drain() {
        byte[] buf = new byte[1024];
        int total = 0;
        try {
            int n;
            while (total < 8 * 1024 && (n = body.read(buf)) >= 0) {
                total += n;
            }
        } catch (IOException ignored) {
            // The answer is complete; a failure after it changes nothing for the reader.
        }
    }

    private ChatCompletionChunk parse(String data) {
        try {
            return wire == TextCompletion.class ? Json.fromJson(data, TextCompletion.class).toChunk()
                    : Json.fromJson(data, ChatCompletionChunk.class);
        } catch (LlmException e) {
            String shown = data.length() > 200 ? data.substring(0, 200) + "..." : data;
            throw new LlmException(Kind.UPSTREAM, "malformed chunk from " + uri + ": " + e.getMessage()
                    + " in: " + shown, e);
        }
    }

    private LlmException timeout(IOException cause) {
        return new LlmException(Kind.TIMEOUT, "the stream from " + uri + " was silent for more than "
                + HttpErrors.human(idle), cause);
    }

    /** Everything that goes wrong while reading the upstream's stream is the upstream's failure. */
    private void failUpstream(Throwable e) {
        stream.fail(e instanceof LlmException l && l.kind() != Kind.CANCELLED
                ? l.withOrigin(LlmException.Origin.UPSTREAM) : e);
    }
}
