package dev.jllm.server.http;

import dev.jllm.server.openai.ClientGoneException;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Notices a client that closes its connection while the server computes a whole (non-streamed) answer, so that
 * the generation stops at once instead of running to max_tokens in a slot nobody will read. A streamed answer
 * needs none of this: its next write fails.
 *
 * <p>How: the server must not read the connection (that would take the next request's bytes), and Helidon's
 * NIO sockets tell a local close only. The kernel knows, though: a connection whose peer has closed it is in
 * state CLOSE_WAIT (or gone) in {@code /proc/net/tcp}/{@code tcp6}, found by its two ports. A virtual thread looks
 * every {@link #POLL} while the answer is computed. Where there is no {@code /proc} (not Linux), nothing is
 * watched and the generation runs to its end as before.
 */
public final class ClientWatch implements AutoCloseable {

    /** How often the connection's state is looked at. */
    static final Duration POLL = Duration.ofMillis(50);
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    private static final String ESTABLISHED = "01";
    private static final String CLOSE_WAIT = "08";

    private final Object lock = new Object();
    private final Thread watcher;
    private boolean closed;
    private volatile boolean gone;

    private ClientWatch(String localPort, String remotePort, Runnable onGone) {
        this.watcher = Thread.ofVirtual().name("client-watch").start(() -> {
            boolean seen = false;
            while (true) {
                String state = state(localPort, remotePort);
                seen |= state != null;
                boolean left = CLOSE_WAIT.equals(state) || seen && state == null
                        || state != null && !ESTABLISHED.equals(state);
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                    if (left) {
                        gone = true;
                        onGone.run();
                        return;
                    }
                }
                if (!seen) {
                    return; // the table does not show this connection: nothing to watch
                }
                LockSupport.parkNanos(POLL.toNanos());
            }
        });
    }

    /**
     * Watches the request's connection and runs {@code onGone} once if the client closes it before
     * {@link #close()}; null where the connection cannot be watched.
     */
    static ClientWatch start(ServerRequest req, Runnable onGone) {
        if (!Files.isReadable(TABLES.getFirst())) {
            return null;
        }
        int local = req.localPeer().port();
        int remote = req.remotePeer().port();
        if (local <= 0 || remote <= 0) {
            return null;
        }
        return new ClientWatch(hexPort(local), hexPort(remote), onGone);
    }

    /**
     * Computes a whole answer on this (the handler's) thread while watching the client: if it closes the
     * connection, this thread is interrupted, which cancels the generation (the local engine cancels its sequences
     * before the next step, HTTP calls are aborted, proxied jobs are cancelled), and {@link ClientGoneException}
     * is thrown instead of an answer nobody reads.
     */
    public static <T> T whileConnected(ServerRequest req, Supplier<T> work) {
        Thread handler = Thread.currentThread();
        ClientWatch watch = start(req, handler::interrupt);
        if (watch == null) {
            return work.get();
        }
        try {
            T result = work.get();
            if (!watch.gone) {
                return result;
            }
            throw new ClientGoneException(null);
        } catch (RuntimeException e) {
            throw watch.gone && !(e instanceof ClientGoneException) ? new ClientGoneException(e) : e;
        } finally {
            watch.close();
            if (watch.gone) {
                Thread.interrupted(); // the interrupt was ours; the connection it was for is gone
            }
        }
    }

    /** Stops watching; {@code onGone} does not run after this returns. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        watcher.interrupt();
    }

    private static String hexPort(int port) {
        return String.format(Locale.ROOT, "%04X", port);
    }

    /** The TCP state (two hex digits) of the connection between these ports, or null when none is listed. */
    static String state(String localPort, String remotePort) {
        String found = null;
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException | RuntimeException e) {
                continue;
            }
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(":" + localPort) && f[2].endsWith(":" + remotePort)) {
                    // listed in both tables (an IPv4-mapped socket): any state but ESTABLISHED is the news
                    if (found == null || !ESTABLISHED.equals(f[3])) {
                        found = f[3];
                    }
                }
            }
        }
        return found;
    }
}
