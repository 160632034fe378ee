package dev.jllm.tests.support;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code text/event-stream} body split into events, each keeping its raw lines, so tests can check the framing
 * itself (the space after "data:", the blank line after each event) as well as the payloads.
 */
public final class SseStream {

    /** One event: its raw lines (without the blank line that ended it), id, type and data. */
    public record Event(List<String> lines, String id, String event, String data) { }

    private final List<Event> events;
    private final boolean endedCleanly;

    private SseStream(List<Event> events, boolean endedCleanly) {
        this.events = events;
        this.endedCleanly = endedCleanly;
    }

    public static SseStream parse(String body) {
        List<Event> out = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        String id = null;
        String event = null;
        StringBuilder data = null;
        int start = 0;
        while (start < body.length()) {
            int nl = body.indexOf('\n', start);
            if (nl < 0) {
                break; // a last line without its newline: not a complete event
            }
            String line = body.substring(start, nl);
            start = nl + 1;
            if (line.isEmpty()) {
                if (!lines.isEmpty()) {
                    if (data != null || id != null || event != null) {
                        out.add(new Event(List.copyOf(lines), id, event, data == null ? null : data.toString()));
                    }
                    lines.clear();
                    id = null;
                    event = null;
                    data = null;
                }
                continue;
            }
            lines.add(line);
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                case "id" -> id = value;
                case "event" -> event = value;
                default -> { }
            }
        }
        return new SseStream(out, start == body.length() && lines.isEmpty());
    }

    public List<Event> events() {
        return events;
    }

    /** The data of every event, in order. */
    public List<String> data() {
        return events.stream().map(Event::data).toList();
    }

    /** Whether the body ended at an event boundary. */
    public boolean endedCleanly() {
        return endedCleanly;
    }
}
