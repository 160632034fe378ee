package dev.jllm.server.http;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;

/**
 * Times the header block of each request: armed when the request line has been read, done when the headers
 * have. Helidon calls both on the connection's own thread, so the deadline lives in a thread local. (Before the
 * request line, a stalled connection is idle in Helidon's terms and its idle timeout closes it.)
 */
public final class HeaderDeadlineListener implements Http1ConnectionListener {

    private final ReadDeadlines deadlines;
    private final ThreadLocal<ReadDeadlines.Deadline> current = new ThreadLocal<>();

    public HeaderDeadlineListener(ReadDeadlines deadlines) {
        this.deadlines = deadlines;
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        ReadDeadlines.Deadline previous = current.get();
        if (previous != null) {
            previous.done();
        }
        current.set(deadlines.arm());
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        ReadDeadlines.Deadline d = current.get();
        if (d != null) {
            current.remove();
            d.done();
        }
    }
}
