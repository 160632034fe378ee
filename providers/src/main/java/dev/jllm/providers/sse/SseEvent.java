package dev.jllm.providers.sse;

import java.util.Objects;

/**
 * One dispatched server-sent event.
 *
 * @param type the {@code event:} field, "message" when the event had none
 * @param data the {@code data:} lines joined with "\n"
 * @param id   the last event id seen so far on the stream ("" when none)
 */
public record SseEvent(String type, String data, String id) {
    public SseEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(id, "id");
    }
}
