package dev.jllm.providers.http;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fires an action when a stream has been silent for too long. The JDK's HTTP body streams have no read timeout,
 * so silence is detected here and the action (closing the body) makes the blocked read fail.
 *
 * <p>One daemon thread serves every watch in the JVM: a check costs microseconds and runs at most once per idle
 * period per stream.
 */
public final class IdleWatchdog {

    private static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jllm-http-idle-watchdog");
        t.setDaemon(true);
        return t;
    });

    private IdleWatchdog() { }

    /** Starts watching: {@code onIdle} runs once if {@link Watch#touch()} is not called for {@code idle}. */
    public static Watch watch(Duration idle, Runnable onIdle) {
        Watch w = new Watch(idle.toNanos(), onIdle);
        w.schedule(w.idleNanos);
        return w;
    }

    /** One watched stream. */
    public static final class Watch implements AutoCloseable {
        private final long idleNanos;
        private final Runnable onIdle;
        private volatile long lastActivity = System.nanoTime();
        private volatile boolean fired;
        private volatile boolean closed;
        private ScheduledFuture<?> pending;

        private Watch(long idleNanos, Runnable onIdle) {
            this.idleNanos = idleNanos;
            this.onIdle = onIdle;
        }

        /** Records activity; cheap enough to call on every read. */
        public void touch() {
            lastActivity = System.nanoTime();
        }

        /** Whether the silence limit was hit (and the action ran). */
        public boolean fired() {
            return fired;
        }

        @Override
        public synchronized void close() {
            closed = true;
            if (pending != null) {
                pending.cancel(false);
            }
        }

        private synchronized void schedule(long delayNanos) {
            if (!closed) {
                pending = SCHEDULER.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
            }
        }

        private void check() {
            if (closed) {
                return;
            }
            long silent = System.nanoTime() - lastActivity;
            if (silent >= idleNanos) {
                fired = true;
                onIdle.run();
            } else {
                schedule(idleNanos - silent);
            }
        }
    }
}
