package dev.jllm.models.store;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Turns per-file byte counts into {@link PullProgress} reports for the whole model: totals, a speed over the
 * last few seconds and an ETA, throttled so a fast download does not flood a terminal or an SSE stream.
 */
final class ProgressMeter {
    private static final long EMIT_INTERVAL_NANOS = 100_000_000L;
    private static final long SPEED_WINDOW_NANOS = 5_000_000_000L;

    private final PullListener listener;
    private final LongSupplier clock;
    private final Map<String, Long> perFile = new HashMap<>();
    /** (time, bytes received in this session) samples over the speed window. */
    private final ArrayDeque<long[]> samples = new ArrayDeque<>();
    private String model;
    private PullStage stage;
    private String file;
    private long total;
    private long done;
    private long received;
    private long lastEmit = Long.MIN_VALUE;

    ProgressMeter(PullListener listener, String model, LongSupplier nanoClock) {
        this.listener = listener;
        this.model = model;
        this.clock = nanoClock;
    }

    synchronized void stage(PullStage s) {
        stage = s;
        if (s != PullStage.DOWNLOADING) {
            file = null;
        }
        emit(true);
    }

    /** Sets the model's canonical name, its size and the bytes already in the store before any download. */
    synchronized void resolved(String canonicalName, long totalBytes, long alreadyPresent) {
        model = canonicalName;
        total = totalBytes;
        done = alreadyPresent;
    }

    /**
     * Reports that {@code bytesOnDisk} bytes of {@code path} exist now. The first report of a file is its
     * starting point (a resumed {@code .part}); later increases count as received, decreases (a download that had
     * to restart) only lower the total done.
     */
    synchronized void fileBytes(String path, long bytesOnDisk) {
        boolean newFile = !path.equals(file);
        file = path;
        stage = PullStage.DOWNLOADING;
        Long before = perFile.put(path, bytesOnDisk);
        long delta = bytesOnDisk - (before == null ? 0 : before);
        done += delta;
        if (before != null && delta > 0) {
            received += delta;
        }
        long now = clock.getAsLong();
        samples.addLast(new long[] {now, received});
        while (samples.size() > 2 && now - samples.peekFirst()[0] > SPEED_WINDOW_NANOS) {
            samples.removeFirst();
        }
        emit(newFile || done == total || delta < 0); // a restart must not leave a stale count on screen
    }

    private void emit(boolean force) {
        long now = clock.getAsLong();
        if (!force && lastEmit != Long.MIN_VALUE && now - lastEmit < EMIT_INTERVAL_NANOS) {
            return;
        }
        lastEmit = now;
        double speed = speed();
        long eta = speed > 0 && total > 0 ? (long) Math.ceil(Math.max(0, total - done) / speed) : -1;
        PullProgress p = new PullProgress(stage, model, file, done, total, speed, stage == PullStage.DONE ? 0 : eta);
        try {
            listener.onProgress(p);
        } catch (RuntimeException e) {
            // A broken progress display must not break the download it displays.
        }
    }

    private double speed() {
        if (samples.size() < 2) {
            return 0;
        }
        long[] first = samples.peekFirst();
        long[] last = samples.peekLast();
        long dt = last[0] - first[0];
        return dt <= 0 ? 0 : (last[1] - first[1]) * 1e9 / dt;
    }
}
