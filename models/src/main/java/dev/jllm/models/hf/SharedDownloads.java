package dev.jllm.models.hf;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Makes concurrent pulls of one file share one download: the first caller starts it on its own thread, later
 * callers attach to it and all of them see its progress and its outcome. A caller that cancels (token or
 * interrupt) only detaches; the download stops when its last caller has left, keeping its {@code .part}.
 *
 * <p>One instance per JVM ({@link #global()}) is what makes the sharing work across stores and threads; between
 * processes the lock on the {@code .part} keeps two writers apart.
 */
public final class SharedDownloads {
    private static final SharedDownloads GLOBAL = new SharedDownloads();
    /** How long a cancelling caller waits for the download thread to let go of the {@code .part}. */
    private static final long STOP_WAIT_SECONDS = 30;

    private final Map<Path, InFlight> inFlight = new HashMap<>();

    /** A separate instance shares nothing with {@link #global()}: it behaves like another process. */
    public SharedDownloads() {
    }

    public static SharedDownloads global() {
        return GLOBAL;
    }

    /**
     * Downloads {@code file} to {@code target} (see {@link FileDownloader}), or waits for the download of the
     * same target that is already running.
     *
     * @param replaceExisting whether an existing {@code target} is an outdated version to be replaced
     * @param progress receives the bytes of the file on disk so far
     * @return the commit the Hub reported, or null
     * @throws HubException               when the download fails
     * @throws DownloadCancelledException when this caller cancelled or was interrupted (the interrupt flag is
     *                                    restored)
     */
    public String download(HubClient hub, String repo, String revision, RepoFile file, Path target,
                           boolean replaceExisting, LongConsumer progress, CancelToken cancel) {
        Path key = target.toAbsolutePath().normalize();
        InFlight f = join(key, progress, self -> () -> new FileDownloader(hub)
                .download(repo, revision, file, target, replaceExisting, self::fanOut, () -> self.cancelled));
        long already = f.bytes;
        if (already > 0) {
            progress.accept(already); // a joiner starts from what the running download has
        }
        return await(f, progress, cancel, file.path());
    }

    private synchronized InFlight join(Path key, LongConsumer progress, Function<InFlight, Task> taskFor) {
        InFlight running = inFlight.get(key);
        if (running != null && !running.cancelled && !running.done.isDone()) {
            running.waiters++;
            running.observers.add(progress);
            return running;
        }
        InFlight f = new InFlight();
        Task task = taskFor.apply(f);
        f.waiters = 1;
        f.observers.add(progress);
        inFlight.put(key, f);
        InFlight previous = running; // a cancelled download still letting go of the .part
        f.thread = Thread.ofVirtual().name("jllm-download " + key.getFileName()).start(() -> {
            String commit = null;
            Throwable failure = null;
            try {
                if (previous != null) {
                    previous.done.handle((v, t) -> null).join();
                }
                commit = task.run();
            } catch (Throwable t) {
                failure = t;
            }
            // Leave the map before the waiters wake up: a caller retrying at once after a failure must start a
            // new download, not attach to this finished one and receive its old failure again.
            synchronized (this) {
                inFlight.remove(key, f);
            }
            if (failure == null) {
                f.done.complete(commit);
            } else {
                f.done.completeExceptionally(failure);
            }
        });
        return f;
    }

    private String await(InFlight f, LongConsumer progress, CancelToken cancel, String what) {
        CompletableFuture<String> mine = new CompletableFuture<>();
        f.done.whenComplete((v, t) -> {
            if (t == null) {
                mine.complete(v);
            } else {
                mine.completeExceptionally(t);
            }
        });
        try (CancelToken.Registration _ = cancel.onCancel(() -> mine.cancel(false))) {
            return mine.get();
        } catch (InterruptedException e) {
            leave(f, progress);
            Thread.currentThread().interrupt();
            throw new DownloadCancelledException("download of " + what + " interrupted; the .part is kept");
        } catch (CancellationException e) {
            leave(f, progress);
            throw new DownloadCancelledException("download of " + what + " cancelled; the .part is kept");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } finally {
            synchronized (this) {
                f.observers.remove(progress);
            }
        }
    }

    /** Detaches a caller; the last one to leave stops the download and waits until its thread let go. */
    private void leave(InFlight f, LongConsumer progress) {
        boolean last;
        synchronized (this) {
            f.observers.remove(progress);
            last = --f.waiters == 0;
            if (last) {
                f.cancelled = true;
            }
        }
        if (last) {
            f.thread.interrupt();
            boolean interrupted = Thread.interrupted();
            try {
                f.done.get(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException | CancellationException e) {
                // the outcome is the cancellation we asked for; we only wait for the .part to be released
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @FunctionalInterface
    private interface Task {
        String run();
    }

    private static final class InFlight {
        final CompletableFuture<String> done = new CompletableFuture<>();
        final List<LongConsumer> observers = new CopyOnWriteArrayList<>();
        /** Guarded by the enclosing SharedDownloads. */
        int waiters;
        volatile boolean cancelled;
        volatile long bytes;
        Thread thread;

        void fanOut(long b) {
            bytes = b;
            for (LongConsumer o : observers) {
                o.accept(b);
            }
        }
    }
}
