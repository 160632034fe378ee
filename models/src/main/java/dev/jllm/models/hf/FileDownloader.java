package dev.jllm.models.hf;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Downloads one repo file so that the target is either absent or complete and verified: bytes go to
 * {@code TARGET.part}, a later attempt (after a dropped connection, a cancel, a crash) continues it with an HTTP
 * Range request, and the file is moved into place atomically only after its size and checksum match what the Hub
 * reports. Network failures are retried with exponential backoff; the count resets whenever an attempt made
 * progress, so a flaky but moving download finishes while a dead one stops after {@code maxAttempts}.
 *
 * <p>The {@code .part} is locked while in use, so two processes never write it at once; within one JVM,
 * {@link SharedDownloads} makes concurrent pulls of a file share one download.
 */
final class FileDownloader {
    private static final int BUFFER = 1 << 16;
    private static final long LOCK_POLL_MILLIS = 200;

    private final HubClient hub;

    FileDownloader(HubClient hub) {
        this.hub = hub;
    }

    static Path partFile(Path target) {
        return target.resolveSibling(target.getFileName() + ".part");
    }

    /**
     * Downloads {@code file} of {@code repo} to {@code target}.
     *
     * @param replaceExisting download even if {@code target} exists with the listed size (the caller knows it is
     *                  an older version); otherwise such a file, verified when it got its name, is kept
     * @param progress  receives the number of bytes of the file on disk so far (the first call reports what a
     *                  resumed {@code .part} already held)
     * @param cancelled polled between reads; the caller also interrupts the thread to cut waits short
     * @return the commit the revision resolved to, if the Hub said
     * @throws HubException               when the file cannot be had (the {@code .part} is kept unless the
     *                                    content failed verification)
     * @throws DownloadCancelledException when cancelled; the {@code .part} is kept for a later resume
     */
    String download(String repo, String revision, RepoFile file, Path target, boolean replaceExisting,
                    LongConsumer progress, BooleanSupplier cancelled) {
        Path part = partFile(target);
        try {
            Files.createDirectories(target.getParent());
            // Another process may finish (and move) or discard (delete) the .part while we wait for its lock;
            // then our handle points at a file that is no longer the .part, and we start over.
            for (int round = 0; ; round++) {
                Outcome o = downloadOnce(repo, revision, file, target, part, replaceExisting, progress, cancelled);
                if (o.kind() == Kind.DONE) {
                    return o.commit();
                }
                if (o.kind() == Kind.ALREADY_THERE) {
                    progress.accept(file.size());
                    return null;
                }
                if (round >= 3) {
                    throw new UncheckedIOException(new IOException(part + " keeps disappearing: is another "
                            + "program deleting it?"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + part + ": " + HubClient.describe(e), e);
        }
    }

    private enum Kind { DONE, ALREADY_THERE, PART_GONE }

    /** How one try ended, with the commit the Hub reported for a completed download. */
    private record Outcome(Kind kind, String commit) {
    }

    private Outcome downloadOnce(String repo, String revision, RepoFile file, Path target, Path part,
                                 boolean replaceExisting, LongConsumer progress, BooleanSupplier cancelled)
            throws IOException {
        boolean discardPart = false;
        boolean alreadyThere = false;
        String commit;
        try (RandomAccessFile raf = new RandomAccessFile(part.toFile(), "rw")) {
            boolean waited = lock(raf, part, cancelled);
            if (waited) {
                if (!replaceExisting && Files.isRegularFile(target) && Files.size(target) == file.size()) {
                    alreadyThere = true; // another process finished it while we waited
                    return new Outcome(Kind.ALREADY_THERE, null);
                }
                if (!Files.exists(part)) {
                    return new Outcome(Kind.PART_GONE, null);
                }
            } else if (!replaceExisting && Files.isRegularFile(target) && Files.size(target) == file.size()) {
                // Completed (and verified) by a pull that finished since our caller looked.
                alreadyThere = true;
                return new Outcome(Kind.ALREADY_THERE, null);
            }
            Transfer t = new Transfer(repo, revision, file, raf, progress, cancelled);
            try {
                t.run();
            } catch (HubException e) {
                discardPart = e.reason() == HubException.Reason.CHECKSUM;
                throw e;
            }
            commit = t.commit;
            raf.getFD().sync(); // the bytes reach the disk before the name says the file is complete
        } finally {
            if (discardPart || alreadyThere) {
                Files.deleteIfExists(part);
            }
        }
        moveIntoPlace(part, target);
        return new Outcome(Kind.DONE, commit);
    }

    private static void moveIntoPlace(Path part, Path target) throws IOException {
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Takes the lock on the {@code .part} (released when the file is closed), waiting while another jllm process
     * holds it. Returns whether it had to wait.
     */
    private static boolean lock(RandomAccessFile raf, Path part, BooleanSupplier cancelled) throws IOException {
        boolean waited = false;
        while (true) {
            FileLock lock;
            try {
                lock = raf.getChannel().tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held elsewhere in this JVM (a store not sharing our SharedDownloads)
            } catch (ClosedByInterruptException e) {
                throw new DownloadCancelledException("cancelled while locking " + part);
            }
            if (lock != null) {
                return waited;
            }
            waited = true;
            if (cancelled.getAsBoolean()) {
                throw new DownloadCancelledException("cancelled while waiting for another download of " + part);
            }
            try {
                Thread.sleep(LOCK_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DownloadCancelledException("cancelled while waiting for another download of " + part);
            }
        }
    }

    /** The state of one file's download: the open {@code .part}, the bytes so far and their running digest. */
    private final class Transfer {
        private final String repo;
        private final String revision;
        private final RepoFile file;
        private final RandomAccessFile raf;
        private final LongConsumer progress;
        private final BooleanSupplier cancelled;
        private final ContentDigest digest;
        private final String what;
        /** Written by the reading thread, read by the watchdog. */
        private volatile long offset;
        private String commit;
        /** SHA-256 from the response headers, used when the listing gave no checksum. */
        private String headerSha256;
        /** The digest of the finished download, kept for the error message. */
        private String actual;
        private volatile InputStream current;
        private volatile long lastActivityNanos;
        private volatile boolean stalled;
        /** Set by the watchdog when the download stayed below the minimum rate for its window. */
        private volatile boolean tooSlow;
        private volatile long windowStartNanos;
        private volatile long windowStartOffset;

        Transfer(String repo, String revision, RepoFile file, RandomAccessFile raf, LongConsumer progress,
                 BooleanSupplier cancelled) {
            this.repo = repo;
            this.revision = revision;
            this.file = file;
            this.raf = raf;
            this.progress = progress;
            this.cancelled = cancelled;
            this.digest = ContentDigest.forFile(file);
            this.what = file.path() + " of hf.co/" + repo;
        }

        void run() throws IOException {
            offset = raf.length();
            if (offset > file.size()) {
                restartFromZero(); // a .part of some other, larger version of the file
            }
            hashPrefix();
            long resumedFrom = offset;
            progress.accept(offset);
            Thread watchdog = Thread.ofVirtual().name("jllm-download-watchdog").start(this::watch);
            try {
                fetchRest();
                boolean ok = verified();
                if (!ok && resumedFrom > 0) {
                    // The .part may hold bytes of an older version of the file: one fresh download decides.
                    restartFromZero();
                    progress.accept(0);
                    fetchRest();
                    ok = verified();
                }
                if (!ok) {
                    throw mismatch();
                }
            } finally {
                watchdog.interrupt();
            }
        }

        private void hashPrefix() throws IOException {
            byte[] buf = new byte[1 << 20];
            raf.seek(0);
            long left = offset;
            while (left > 0) {
                int n = raf.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("the .part shrank while being read");
                }
                digest.update(buf, 0, n);
                left -= n;
                checkCancelled();
            }
        }

        private void fetchRest() {
            int failures = 0;
            while (offset < file.size()) {
                checkCancelled();
                long before = offset;
                Exception failure;
                try {
                    fetchOnce();
                    continue;
                } catch (IOException e) {
                    failure = e;
                } catch (HubException e) {
                    if (!HubErrors.retryable(e)) {
                        throw e;
                    }
                    failure = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw cancelled();
                }
                checkCancelled();
                if (tooSlow) {
                    // A timeout, not a dropped connection: retrying would only crawl on (every slow attempt makes
                    // some progress, so the retry count would never run out).
                    MinRate min = hub.config().minRate();
                    throw new HubException(HubException.Reason.NETWORK, what + ": timed out, slower than "
                            + min.describe() + "; " + offset + " of " + file.size() + " bytes are kept: run the pull"
                            + " again to resume (JLLM_PULL_MIN_RATE sets the minimum, 0 for none)", failure);
                }
                if (stalled) {
                    stalled = false;
                    failure = new IOException("no data for " + hub.config().stallTimeout().toSeconds() + " s");
                }
                failures = offset > before ? 1 : failures + 1;
                if (failures >= hub.config().maxAttempts()) {
                    throw new HubException(HubException.Reason.NETWORK, what + ": download failed " + failures
                            + " times in a row (" + HubClient.describe(failure) + "); " + offset + " of "
                            + file.size() + " bytes are kept: run the pull again to resume", failure);
                }
                try {
                    Thread.sleep(hub.config().backoff(failures));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw cancelled();
                }
            }
        }

        private void fetchOnce() throws IOException, InterruptedException {
            lastActivityNanos = System.nanoTime();
            try (FileResponse r = hub.openFile(repo, revision, file.path(), offset)) {
                if (r.commit() != null) {
                    commit = r.commit();
                }
                crossCheck(r);
                switch (r.status()) {
                    case 416 -> {
                        // "Nothing from there": the .part is the whole file, or the server disagrees about sizes.
                        if (offset == file.size()) {
                            return;
                        }
                        restartFromZero();
                        throw new IOException("the server refused a resume at byte " + offset);
                    }
                    case 200 -> {
                        if (offset > 0) {
                            restartFromZero(); // the server ignored the Range header: take the whole body
                            progress.accept(0);
                        }
                    }
                    default -> {
                        if (r.start() != offset) {
                            restartFromZero();
                            throw new IOException("asked for bytes from " + offset + ", got them from " + r.start());
                        }
                    }
                }
                copy(r.body());
            } finally {
                current = null;
            }
        }

        private void copy(InputStream in) throws IOException {
            windowStartOffset = offset;
            windowStartNanos = System.nanoTime();
            current = in;
            byte[] buf = new byte[BUFFER];
            raf.seek(offset);
            while (offset < file.size()) {
                // Never read past the listed size: extra bytes would only be thrown away by the checksum.
                int n = in.read(buf, 0, (int) Math.min(buf.length, file.size() - offset));
                if (n < 0) {
                    throw new IOException("connection closed after " + offset + " of " + file.size() + " bytes");
                }
                lastActivityNanos = System.nanoTime();
                try {
                    raf.write(buf, 0, n);
                } catch (IOException e) {
                    // A local failure (disk full, permissions): retrying the network would not help.
                    throw new UncheckedIOException("cannot write the download of " + what + ": "
                            + HubClient.describe(e), e);
                }
                digest.update(buf, 0, n);
                offset += n;
                progress.accept(offset);
                checkCancelled();
            }
        }

        /** The Hub's headers must describe the file the listing described; otherwise the repo changed. */
        private void crossCheck(FileResponse r) {
            if (r.total() >= 0 && r.status() != 416 && r.total() != file.size()) {
                throw changed("size " + file.size() + " in the listing, " + r.total() + " in the download");
            }
            if (r.sha256() != null) {
                if (file.sha256() != null && !r.sha256().equals(file.sha256())) {
                    throw changed("sha256 " + file.sha256() + " in the listing, " + r.sha256() + " in the download");
                }
                headerSha256 = r.sha256();
            }
            if (r.gitSha1() != null && file.sha256() == null && file.gitOid() != null
                    && !r.gitSha1().equals(file.gitOid())) {
                throw changed("git id " + file.gitOid() + " in the listing, " + r.gitSha1() + " in the download");
            }
        }

        private HubException changed(String detail) {
            return new HubException(HubException.Reason.BAD_RESPONSE, what + ": the Hub reports two versions ("
                    + detail + "); the repo probably changed during the pull: run it again");
        }

        private String expected() {
            if (digest.kind() == ContentDigest.Kind.GIT_SHA1) {
                return file.gitOid();
            }
            return file.sha256() != null ? file.sha256() : headerSha256;
        }

        /** Finishes the digest (a restart resets it) and compares size and checksum with the Hub's. */
        private boolean verified() {
            actual = digest.hex();
            String expected = expected();
            return offset == file.size() && (expected == null || expected.equals(actual));
        }

        private HubException mismatch() {
            String expected = expected();
            return new HubException(HubException.Reason.CHECKSUM, what + " failed verification: expected "
                    + digest.kind().label + " " + expected + " (" + file.size() + " bytes), got " + actual + " ("
                    + offset + " bytes); the download was discarded");
        }

        private void restartFromZero() throws IOException {
            raf.setLength(0);
            offset = 0;
            digest.reset();
        }

        private void checkCancelled() {
            if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
                throw cancelled();
            }
        }

        private DownloadCancelledException cancelled() {
            return new DownloadCancelledException("download of " + what + " cancelled at " + offset + " of "
                    + file.size() + " bytes; the .part is kept for a resume");
        }

        /**
         * Closes the body of a download that receives nothing for the stall timeout, which wakes the reading
         * thread with an IOException: the JDK client has no read timeout of its own, and a half-open connection
         * would otherwise hang the pull forever.
         */
        private void watch() {
            long stallNanos = hub.config().stallTimeout().toNanos();
            MinRate min = hub.config().minRate();
            long tick = Math.max(10, Math.min(hub.config().stallTimeout().toMillis(), min.window().toMillis()) / 4);
            try {
                while (true) {
                    Thread.sleep(tick);
                    InputStream in = current;
                    if (in == null) {
                        continue;
                    }
                    long now = System.nanoTime();
                    if (now - lastActivityNanos > stallNanos) {
                        stalled = true;
                        lastActivityNanos = now;
                        close(in);
                    } else if (now - windowStartNanos >= min.window().toNanos()) {
                        // One window at a time: a download is judged by what it received over the last one.
                        if (min.tooSlow(offset - windowStartOffset, now - windowStartNanos)) {
                            tooSlow = true;
                            close(in);
                        }
                        windowStartOffset = offset;
                        windowStartNanos = now;
                    }
                }
            } catch (InterruptedException e) {
                // the transfer ended
            }
        }

        private static void close(InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing is all we want; the reader sees the failure
            }
        }
    }
}
