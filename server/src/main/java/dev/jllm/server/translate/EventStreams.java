package dev.jllm.server.translate;

import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ClientGoneException;
import dev.jllm.server.openai.Errors;
import dev.jllm.server.routing.SseWriter;
import io.helidon.webserver.http.ServerResponse;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Sends a run's answer as an event stream in a format's own events: the stream begins (its first events written
 * by {@code start}), the answer is pumped through them, {@code done} runs after a normal end, and a failure after
 * the start is reported by {@code failed} as the format's error event. A client that leaves ends it quietly (the
 * caller closes the run, which cancels the generation).
 */
public final class EventStreams {

    private EventStreams() { }

    public static <L extends BlockListener> void send(ServerResponse res, ChatRun run, Function<SseWriter, L> start,
                                                      Consumer<L> done, BiConsumer<L, ApiError> failed) {
        SseWriter sse;
        try {
            sse = SseWriter.start(res);
        } catch (ClientGoneException e) {
            return;
        }
        try (sse) {
            L events = start.apply(sse);
            try {
                run.pump(events);
                done.accept(events);
            } catch (ClientGoneException e) {
                // the client left: nothing more to send
            } catch (RuntimeException e) {
                try {
                    failed.accept(events, Errors.from(e));
                } catch (ClientGoneException ignored) {
                    // it left while we failed: nothing more to tell
                }
            }
        } catch (ClientGoneException e) {
            // it left before the first events went out
        }
    }
}
