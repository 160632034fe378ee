package dev.jllm.tests.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads SSE events one at a time from a live stream, skipping comments. Closing it drops the connection. */
public final class EventReader implements AutoCloseable {

    private final InputStream in;
    private final BufferedReader lines;

    public EventReader(InputStream in) {
        this.in = in;
        this.lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** The next event, or null at the end of the stream. */
    public SseStream.Event next() {
        try {
            List<String> raw = new ArrayList<>();
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (raw.stream().anyMatch(l -> !l.startsWith(":"))) {
                        return SseStream.parse(String.join("\n", raw) + "\n\n").events().getFirst();
                    }
                    raw.clear();
                    continue;
                }
                raw.add(line);
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every event up to the end of the stream. */
    public List<SseStream.Event> rest() {
        List<SseStream.Event> out = new ArrayList<>();
        SseStream.Event e;
        while ((e = next()) != null) {
            out.add(e);
        }
        return out;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // dropping the connection is the point
        }
    }
}
