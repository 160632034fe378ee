package dev.jllm.server.http;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Read timeouts for client connections. Helidon reads requests with blocking socket-channel reads on a virtual
 * thread per connection and does not apply its {@code read-timeout} option to them (4.5 sets only socket options
 * on accepted channels), so a client that stops sending in the middle of its headers or body would hold its
 * connection forever. A read that must finish in time is armed here; if it is still running when its time is up,
 * its thread is interrupted, which closes the channel under it (the JDK closes an interruptible channel whose
 * reader is interrupted), ending the connection.
 */
public final class ReadDeadlines implements AutoCloseable {

    private static final int ARMED = 0;
    private static final int DONE = 1;
    private static final int FIRED = 2;

    private final Duration timeout;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jllm-read-deadlines");
        t.setDaemon(true);
        return t;
    });

    public ReadDeadlines(Duration timeout) {
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }

    /** A read in progress on the current thread; {@link #done()} when it finished in time. */
    public final class Deadline {
        private final Thread reader = Thread.currentThread();
        private final AtomicInteger state = new AtomicInteger(ARMED);
        private final ScheduledFuture<?> task;

        private Deadline() {
            task = timer.schedule(this::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        private void expire() {
            if (state.compareAndSet(ARMED, FIRED)) {
                reader.interrupt();
            }
        }

        /** Ends the deadline; true if the read finished in time, false if it was cut off. */
        public boolean done() {
            task.cancel(false);
            if (state.compareAndSet(ARMED, DONE)) {
                return true;
            }
            Thread.interrupted(); // the interrupt was for the read, which is over
            return false;
        }

        public boolean expired() {
            return state.get() == FIRED;
        }
    }

    /** Starts timing a read on the current thread. */
    public Deadline arm() {
        return new Deadline();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
