package dev.jllm.models.store;

import dev.jllm.models.hf.CancelToken;
import dev.jllm.models.hf.DownloadCancelledException;
import dev.jllm.models.hf.HubClient;
import dev.jllm.models.hf.HubException;
import dev.jllm.models.hf.HumanBytes;
import dev.jllm.models.hf.ModelReference;
import dev.jllm.models.hf.ModelSelection;
import dev.jllm.models.hf.ModelSelector;
import dev.jllm.models.hf.RepoFile;
import dev.jllm.models.hf.SharedDownloads;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One pull: list the repo, pick the files, check the disk, download what is missing (sharing downloads already
 * running), and write the manifest last. A file already in place with the checksum the Hub lists is not fetched
 * again, so pulling an up-to-date model costs one listing; a file the Hub changed is replaced.
 */
final class PullOperation {
    static final String REVISION = "main";

    private final StoreLayout layout;
    private final HubClient hub;
    private final SharedDownloads downloads;
    private final DiskSpace disk;
    private final Clock clock;

    PullOperation(StoreLayout layout, HubClient hub, SharedDownloads downloads, DiskSpace disk, Clock clock) {
        this.layout = layout;
        this.hub = hub;
        this.downloads = downloads;
        this.disk = disk;
        this.clock = clock;
    }

    StoredModel run(ModelReference.Hub ref, PullListener listener, CancelToken cancel) {
        ProgressMeter meter = new ProgressMeter(listener, ref.toString(), System::nanoTime);
        meter.stage(PullStage.RESOLVING);
        List<RepoFile> listing = hub.listFiles(ref.repo(), REVISION);
        checkCancelled(cancel, ref.toString());
        ModelSelection sel = ModelSelector.select(ref, listing);
        String name = "hf.co/" + ref.repo() + ":" + sel.tag();
        Path dir = layout.modelDir(ref.repo(), sel.tag());
        ModelManifest previous = StoreLayout.hasManifest(dir) ? readOrNull(dir) : null;

        List<RepoFile> missing = new ArrayList<>();
        Set<String> outdated = new HashSet<>();
        long present = 0;
        for (RepoFile f : sel.files()) {
            switch (state(dir, f, previous)) {
                case CURRENT -> present += f.size();
                case MISSING -> missing.add(f);
                case OUTDATED -> {
                    missing.add(f);
                    outdated.add(f.path());
                }
            }
        }
        meter.resolved(name, sel.size(), present);
        checkDiskSpace(name, dir, missing);

        if (previous == null && !missing.isEmpty()) {
            markPartial(dir, sel.size());
        }
        String commit = previous == null ? null : previous.commit();
        for (RepoFile f : missing) {
            checkCancelled(cancel, name);
            Path target = layout.inside(dir.resolve(f.path()));
            try {
                String c = downloads.download(hub, ref.repo(), REVISION, f, target, outdated.contains(f.path()),
                        bytes -> meter.fileBytes(f.path(), bytes), cancel);
                commit = c != null ? c : commit;
            } catch (HubException e) {
                if (e.reason() == HubException.Reason.CHECKSUM && previous == null) {
                    // A first pull that got bad bytes leaves nothing behind: no half model, no part to resume.
                    deleteTree(dir);
                    layout.pruneEmptyParents(dir.getParent());
                }
                throw e;
            }
        }

        meter.stage(PullStage.FINISHING);
        Path primary = sel.primary().isEmpty() ? dir : dir.resolve(sel.primary());
        ModelFacts facts = ModelFacts.inspect(sel.format(), primary, sel.quantization());
        ModelManifest manifest = new ModelManifest(name, ref.repo(), sel.tag(), hub.config().displayEndpoint(),
                REVISION, commit, sel.format(), sel.primary(),
                sel.files().stream().map(f -> new ModelManifest.File(f.path(), f.size(), f.sha256(), f.gitOid()))
                        .toList(),
                facts.quantization(), facts.architecture(), clock.instant());
        try {
            ManifestJson.write(manifest, dir.resolve(ModelManifest.FILE_NAME));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the manifest of " + name + " in " + dir + ": "
                    + e.getMessage(), e);
        }
        try {
            Files.deleteIfExists(dir.resolve(PartialPull.MARKER));
        } catch (IOException e) {
            // a leftover marker is ignored beside a manifest
        }
        if (previous != null) {
            deleteDropped(dir, previous, manifest);
        }
        meter.stage(PullStage.DONE);
        return new StoredModel(dir, manifest);
    }

    /**
     * Records the model's size in a directory a first pull downloads into, so that a pull that stops midway is
     * listed as partial with how far it got ({@link PartialPull}).
     */
    private static void markPartial(Path dir, long totalBytes) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(PartialPull.MARKER), Long.toString(totalBytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write in " + dir + ": " + e.getMessage(), e);
        }
    }

    private enum FileState { CURRENT, MISSING, OUTDATED }

    /**
     * Whether a file is in place and is the version the Hub lists. Files only reach their final name after
     * verification, so a file of the right size that no manifest describes (a multi-file pull that stopped
     * midway) is trusted; one the previous manifest describes with another checksum is an outdated version.
     */
    private static FileState state(Path dir, RepoFile f, ModelManifest previous) {
        Path p = dir.resolve(f.path());
        try {
            if (!Files.isRegularFile(p) || Files.size(p) != f.size()) {
                return FileState.MISSING;
            }
        } catch (IOException e) {
            return FileState.MISSING;
        }
        if (previous != null) {
            for (ModelManifest.File old : previous.files()) {
                if (old.path().equals(f.path()) && !(Objects.equals(old.sha256(), f.sha256())
                        && Objects.equals(old.gitOid(), f.gitOid()))) {
                    return FileState.OUTDATED;
                }
            }
        }
        return FileState.CURRENT;
    }

    private void checkDiskSpace(String name, Path dir, List<RepoFile> missing) {
        long needed = 0;
        for (RepoFile f : missing) {
            Path part = dir.resolve(f.path() + ".part");
            long have = 0;
            try {
                have = Files.isRegularFile(part) ? Math.min(Files.size(part), f.size()) : 0;
            } catch (IOException e) {
                // unknown: count the whole file
            }
            needed += f.size() - have;
        }
        if (needed == 0) {
            return;
        }
        Path existing = dir;
        while (existing != null && !Files.isDirectory(existing)) {
            existing = existing.getParent();
        }
        long free;
        try {
            free = disk.usableBytes(existing == null ? layout.root() : existing);
        } catch (IOException e) {
            return; // a file system that cannot say how full it is: the write will tell
        }
        if (needed > free) {
            throw new HubException(HubException.Reason.DISK_SPACE, "not enough disk space for " + name + ": it needs "
                    + HumanBytes.format(needed) + " more, " + HumanBytes.format(free) + " are free in "
                    + (existing == null ? layout.root() : existing));
        }
    }

    /** Removes files an earlier version of the model had and this one does not (a re-pull after a repo change). */
    private void deleteDropped(Path dir, ModelManifest previous, ModelManifest current) {
        Set<String> keep = current.files().stream().map(ModelManifest.File::path).collect(Collectors.toSet());
        for (ModelManifest.File old : previous.files()) {
            if (!keep.contains(old.path())) {
                try {
                    Files.deleteIfExists(layout.inside(dir.resolve(old.path())));
                } catch (IOException | ModelStoreException e) {
                    // a leftover file costs disk space, not correctness
                }
            }
        }
    }

    private static ModelManifest readOrNull(Path dir) {
        try {
            return ManifestJson.read(dir.resolve(ModelManifest.FILE_NAME));
        } catch (ModelStoreException e) {
            return null; // a damaged manifest is rewritten by this pull
        }
    }

    private static void checkCancelled(CancelToken cancel, String what) {
        if (cancel.isCancelled() || Thread.currentThread().isInterrupted()) {
            throw new DownloadCancelledException("pull of " + what + " cancelled");
        }
    }

    /** Deletes a directory tree without following links (a link is removed, never what it points to). */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    if (exc != null) {
                        throw exc;
                    }
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Free space where a download goes; a seam so tests can simulate a full disk. */
    @FunctionalInterface
    interface DiskSpace {
        DiskSpace FILE_STORE = dir -> Files.getFileStore(dir).getUsableSpace();

        long usableBytes(Path dir) throws IOException;
    }
}
