package dev.jllm.models.hf;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Lets one thread cancel a pull that another thread runs (a CLI's Ctrl-C handler, a server job being cancelled).
 * Interrupting the pulling thread works too; the token exists for callers that do not own that thread.
 */
public final class CancelToken {
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;

    /** A token that nobody cancels, for callers that only rely on interruption. */
    public static CancelToken none() {
        return new CancelToken();
    }

    public void cancel() {
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
        }
        for (Runnable r : callbacks) {
            r.run();
        }
    }

    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * Runs {@code callback} when the token is cancelled (at once if it already is). Closing the returned handle
     * unregisters it, so a long-lived token does not collect callbacks of finished downloads.
     */
    public Registration onCancel(Runnable callback) {
        synchronized (this) {
            if (!cancelled) {
                callbacks.add(callback);
                return () -> callbacks.remove(callback);
            }
        }
        callback.run();
        return () -> { };
    }

    /** Unregisters a callback; closing twice is harmless. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
