package dev.jllm.proxy;

import dev.jllm.providers.http.HttpTransport;
import dev.jllm.providers.http.IdleWatchdog;
import dev.jllm.providers.http.WatchedInputStream;
import dev.jllm.providers.sse.SseEvent;
import dev.jllm.providers.sse.SseReader;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * One open server-sent event stream from the server. The JDK's body streams have no read timeout, so a watchdog
 * closes the body after {@code idle} without a byte (the server writes a comment every 10 s, so only a lost
 * connection is that silent), which makes the blocked read fail. Closing from another thread does the same.
 */
final class EventConnection implements AutoCloseable {

    private final InputStream raw;
    private final IdleWatchdog.Watch watch;
    private final SseReader reader;

    EventConnection(InputStream raw, Duration idle) {
        this.raw = raw;
        this.watch = IdleWatchdog.watch(idle, () -> HttpTransport.closeQuietly(raw));
        this.reader = new SseReader(new WatchedInputStream(raw, watch));
    }

    /** The next event, or null when the server ended the stream. */
    SseEvent next() throws IOException {
        return reader.next();
    }

    /** Whether the stream was cut for silence. */
    boolean wentSilent() {
        return watch.fired();
    }

    @Override
    public void close() {
        watch.close();
        HttpTransport.closeQuietly(raw);
    }
}
