package dev.jllm.server.routing;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.server.metrics.GenerationTimer;
import dev.jllm.server.openai.ChunkNormalizer;
import dev.jllm.server.openai.ClientGoneException;
import dev.jllm.server.openai.Errors;
import io.helidon.webserver.http.ServerResponse;

import java.util.Iterator;
import java.util.List;

/**
 * Sends one generation as an event stream, the same way for every endpoint: the response waits for the
 * instance's first chunk (so a failure before any output still gets its own status, thrown from here), the
 * chunks go through a {@link ChunkNormalizer} and the endpoint's {@link Encoder}, then the usage chunk if asked
 * for and {@code data: [DONE]}. A failure after the first event is sent as {@code data: {"error":...}}; a client
 * that is gone ends the loop. The caller closes the stream, which cancels what is left of the generation.
 */
final class SseGeneration {

    private static final System.Logger LOG = System.getLogger(SseGeneration.class.getName());

    /** How an endpoint writes the normalized chunks. */
    interface Encoder {
        /** The event payload for a chunk, or null to send nothing for it. */
        String chunk(ChatCompletionChunk chunk);

        /** The payload of the final usage chunk (no choices, the usage). */
        String usage(ChatCompletionChunk usageChunk);
    }

    private SseGeneration() { }

    static void send(ServerResponse res, ChatCompletionStream stream, ChunkNormalizer norm, boolean usageWanted,
                     GenerationTimer timer, Encoder encoder, String instance) {
        Iterator<ChatCompletionChunk> it = stream.iterator();
        it.hasNext(); // waits for the first chunk, or throws what failed before it
        SseWriter sse;
        try {
            sse = SseWriter.start(res);
        } catch (ClientGoneException e) {
            return;
        }
        try {
            while (it.hasNext()) {
                write(sse, norm.accept(it.next()), timer, encoder);
            }
            write(sse, norm.finish(), timer, encoder);
            if (usageWanted) {
                if (norm.usage() != null) {
                    sse.data(encoder.usage(norm.usageChunk()));
                } else {
                    LOG.log(System.Logger.Level.WARNING, "instance '" + instance
                            + "' reported no usage for a stream that asked for it");
                }
            }
            sse.done();
            timer.finished(norm.usage());
        } catch (ClientGoneException e) {
            LOG.log(System.Logger.Level.DEBUG, "a client left its stream; cancelling the generation");
        } catch (RuntimeException e) {
            try {
                sse.data(Errors.from(e).toJson().toString());
            } catch (ClientGoneException ignored) {
                // it left while we failed: nothing more to tell
            }
        } finally {
            sse.close();
        }
    }

    private static void write(SseWriter sse, List<ChatCompletionChunk> chunks, GenerationTimer timer,
                              Encoder encoder) {
        for (ChatCompletionChunk c : chunks) {
            if (!c.text().isEmpty()) {
                timer.content();
            }
            String payload = encoder.chunk(c);
            if (payload != null) {
                sse.data(payload);
            }
        }
    }
}
