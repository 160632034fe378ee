package dev.jllm.models.store;

import dev.jllm.api.JllmHome;
import dev.jllm.models.hf.CancelToken;
import dev.jllm.models.hf.HubClient;
import dev.jllm.models.hf.HubConfig;
import dev.jllm.models.hf.ModelReference;
import dev.jllm.models.hf.ModelSelector;
import dev.jllm.models.hf.SharedDownloads;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The models pulled from the Hub, under {@code JLLM_HOME/models}: pull (with progress, resume and verification),
 * list, resolve a name to files, and remove. Names are {@code hf.co/OWNER/REPO:TAG}; any reference form
 * {@link ModelReference} accepts finds them.
 *
 * <p>Safe to use from several threads: pulls of the same file share one download, and a model appears in
 * {@link #list()} only once its manifest (written last) is there.
 */
public final class ModelStore implements ModelResolver {
    private final StoreLayout layout;
    private final HubClient hub;
    private final Predicate<String> isLoaded;
    private final PullOperation puller;

    /**
     * @param root     the models directory (usually {@code JllmHome.resolve().models()})
     * @param hub      the Hub client pulls go through
     * @param isLoaded tells whether a model (by canonical name) is loaded; such a model is only removed when
     *                 forced
     */
    public ModelStore(Path root, HubClient hub, Predicate<String> isLoaded) {
        this(root, hub, isLoaded, PullOperation.DiskSpace.FILE_STORE, Clock.systemUTC(), SharedDownloads.global());
    }

    /** With seams for tests: free disk space, clock, and the download sharing (one per simulated process). */
    ModelStore(Path root, HubClient hub, Predicate<String> isLoaded, PullOperation.DiskSpace disk, Clock clock,
               SharedDownloads downloads) {
        this.layout = new StoreLayout(root);
        this.hub = Objects.requireNonNull(hub, "hub");
        this.isLoaded = Objects.requireNonNull(isLoaded, "isLoaded");
        this.puller = new PullOperation(layout, hub, downloads, disk, clock);
    }

    /** The store under {@code JLLM_HOME} talking to the Hub that {@code HF_ENDPOINT} / {@code HF_TOKEN} name. */
    public static ModelStore openDefault() {
        return new ModelStore(JllmHome.resolve().models(), new HubClient(HubConfig.fromEnvironment()),
                name -> false);
    }

    public Path root() {
        return layout.root();
    }

    /** Every complete model in the store, by name. Damaged entries are skipped. */
    public List<StoredModel> list() {
        List<StoredModel> out = new ArrayList<>();
        for (Path dir : layout.allModelDirs()) {
            load(dir).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(StoredModel::name, String.CASE_INSENSITIVE_ORDER));
        return out;
    }

    /** Pulls that stopped before their model was complete (resumable with a pull, removable), by name. */
    public List<PartialPull> partials() {
        List<PartialPull> out = new ArrayList<>();
        for (Path dir : layout.partialDirs()) {
            out.add(partial(dir));
        }
        out.sort(Comparator.comparing(PartialPull::name, String.CASE_INSENSITIVE_ORDER));
        return out;
    }

    /**
     * Deletes what a stopped pull left in the store: its verified files and {@code .part} downloads.
     *
     * @param ref the name {@link #partials()} gives it, or any reference to that repo and tag (a reference without
     *            a tag names the repo's only partial pull)
     * @return what was removed; empty when {@code ref} names no partial pull
     */
    public Optional<PartialPull> removePartial(String ref) {
        ModelReference.Hub h;
        try {
            if (!(ModelReference.parse(ref == null ? "" : ref.strip()) instanceof ModelReference.Hub hub)) {
                return Optional.empty();
            }
            h = hub;
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        List<PartialPull> hits = partials().stream().filter(p -> {
            Path rel = layout.root().relativize(p.directory()); // hf.co/OWNER/REPO/TAG
            return (rel.getName(1) + "/" + rel.getName(2)).equalsIgnoreCase(h.repo())
                    && (h.tag() == null || rel.getName(3).toString().equalsIgnoreCase(h.tag()));
        }).toList();
        if (hits.size() != 1) {
            return Optional.empty();
        }
        deleteModelDir(hits.getFirst().directory());
        return Optional.of(hits.getFirst());
    }

    private PartialPull partial(Path dir) {
        Path rel = layout.root().relativize(dir);
        String name = StoreLayout.HUB_DIR + "/" + rel.getName(1) + "/" + rel.getName(2) + ":" + rel.getName(3);
        long total = -1;
        long onDisk = 0;
        try (var files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (f.getFileName().toString().equals(PartialPull.MARKER)) {
                    total = Long.parseLong(Files.readString(f).strip());
                } else {
                    onDisk += Files.size(f);
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // what cannot be read counts as nothing downloaded; the pull still resumes or the rm still removes it
        }
        return new PartialPull(name, dir, onDisk, total);
    }

    /**
     * The stored model a reference names, if any. A reference without a tag finds the repo's only model, or its
     * {@value ModelSelector#DEFAULT_QUANT} one.
     *
     * @throws IllegalArgumentException if {@code ref} is not a reference
     * @throws ModelStoreException      if it matches several models
     */
    public Optional<StoredModel> find(String ref) {
        return switch (ModelReference.parse(ref)) {
            case ModelReference.Local l -> findByPath(l.path());
            case ModelReference.Hub h -> findHub(h);
        };
    }

    @Override
    public Optional<Path> resolveLocal(String ref) {
        return switch (ModelReference.parse(ref)) {
            case ModelReference.Local l -> Files.exists(l.path()) ? Optional.of(l.path()) : Optional.empty();
            case ModelReference.Hub h -> findHub(h).map(StoredModel::primaryPath);
        };
    }

    @Override
    public Path resolveOrPull(String ref, PullListener listener, CancelToken cancel) {
        ModelReference r = ModelReference.parse(ref);
        if (r instanceof ModelReference.Local l) {
            if (Files.exists(l.path())) {
                return l.path();
            }
            throw new ModelStoreException("model '" + ref + "' not found: no such file or directory");
        }
        Optional<StoredModel> here = findHub((ModelReference.Hub) r);
        if (here.isPresent()) {
            return here.get().primaryPath();
        }
        return pull(ref, listener, cancel).primaryPath();
    }

    /**
     * Pulls a model from the Hub (even if a version is stored: files the Hub changed are replaced, unchanged ones
     * are kept).
     *
     * @throws dev.jllm.models.hf.HubException               if it cannot be had; the reason says why
     * @throws dev.jllm.models.hf.DownloadCancelledException if cancelled; a later pull resumes
     */
    public StoredModel pull(String ref, PullListener listener, CancelToken cancel) {
        ModelReference r = ModelReference.parse(ref);
        if (!(r instanceof ModelReference.Hub h)) {
            throw new ModelStoreException("'" + ref + "' is a local path; pull takes hf.co/OWNER/REPO[:QUANT] or "
                    + "OWNER/REPO/FILE.gguf");
        }
        return puller.run(h, listener == null ? PullListener.NONE : listener, cancel);
    }

    public StoredModel pull(String ref, PullListener listener) {
        return pull(ref, listener, CancelToken.none());
    }

    /**
     * Deletes a model from the store. Refused for names that leave the store ({@code ../}, absolute paths outside
     * it, links), for paths that are not store models, and for a loaded model unless {@code force}.
     *
     * @return the model that was removed
     */
    public StoredModel remove(String ref, boolean force) {
        StoredModel m = findForRemoval(ref);
        if (!force && isLoaded.test(m.name())) {
            throw new ModelStoreException(m.name() + " is loaded; unload it first, or force the removal");
        }
        deleteModelDir(m.directory());
        return m;
    }

    private void deleteModelDir(Path modelDir) {
        Path dir = layout.inside(modelDir);
        if (layout.root().relativize(dir).getNameCount() != StoreLayout.MODEL_DEPTH) {
            throw new ModelStoreException("refusing to remove " + dir + ": not a model directory of the store");
        }
        PullOperation.deleteTree(dir);
        layout.pruneEmptyParents(dir.getParent());
    }

    private StoredModel findForRemoval(String ref) {
        String t = ref == null ? "" : ref.strip();
        if (t.isEmpty()) {
            throw new ModelStoreException("no model named");
        }
        for (String seg : t.split("[/\\\\]")) {
            if (seg.equals("..")) {
                throw new ModelStoreException("refusing '" + t + "': the name climbs out of the model store ("
                        + layout.root() + ")");
            }
        }
        Path asPath = t.startsWith("~") ? null : Path.of(t);
        if (asPath != null && asPath.isAbsolute() || t.startsWith("~")) {
            Path p = t.startsWith("~") ? Path.of(System.getProperty("user.home") + t.substring(1)) : asPath;
            if (!layout.contains(p) || !realPathInside(p)) {
                throw new ModelStoreException("refusing '" + t + "': it is outside the model store ("
                        + layout.root() + "); only models in the store can be removed");
            }
            return findByPath(p).orElseThrow(() -> new ModelStoreException("'" + t + "' is not a model in the store; "
                    + "`jllm ls` lists them"));
        }
        ModelReference r;
        try {
            r = ModelReference.parse(t);
        } catch (IllegalArgumentException e) {
            throw new ModelStoreException(e.getMessage());
        }
        if (r instanceof ModelReference.Local) {
            throw new ModelStoreException("refusing '" + t + "': it is a path, not a model in the store; only models "
                    + "pulled into " + layout.root() + " can be removed");
        }
        ModelReference.Hub h = (ModelReference.Hub) r;
        return findHub(h).orElseThrow(() -> new ModelStoreException("no model " + h + " in the store"
                + suggestions(h.repo())));
    }

    /** A path inside the store after resolving links, for paths that exist. */
    private boolean realPathInside(Path p) {
        try {
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
            Path realRoot = layout.root().toRealPath();
            Path real = p.toRealPath();
            return real.startsWith(realRoot) && !real.equals(realRoot);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private String suggestions(String repo) {
        List<String> names = layout.modelDirs(repo).stream().map(this::load).flatMap(Optional::stream)
                .map(StoredModel::name).toList();
        return names.isEmpty() ? "; `jllm ls` lists the store" : "; the store has " + String.join(", ", names);
    }

    /** The model whose directory holds {@code p} (a model directory or one of its files). */
    private Optional<StoredModel> findByPath(Path p) {
        Path n = p.toAbsolutePath().normalize();
        if (!layout.contains(n)) {
            return Optional.empty();
        }
        for (Path d = n; d != null && layout.contains(d); d = d.getParent()) {
            if (StoreLayout.hasManifest(d)) {
                return load(d);
            }
        }
        return Optional.empty();
    }

    private Optional<StoredModel> findHub(ModelReference.Hub h) {
        List<StoredModel> inRepo = layout.modelDirs(h.repo()).stream().map(this::load).flatMap(Optional::stream)
                .toList();
        if (h.file() != null) {
            return inRepo.stream().filter(m -> m.manifest().files().stream()
                    .anyMatch(f -> f.path().equalsIgnoreCase(h.file()))).findFirst();
        }
        if (h.tag() != null) {
            List<StoredModel> hits = inRepo.stream().filter(m -> m.manifest().tag().equalsIgnoreCase(h.tag())
                    || m.manifest().tag().equalsIgnoreCase("UD-" + h.tag())).toList();
            return hits.isEmpty() ? Optional.empty() : Optional.of(hits.getFirst());
        }
        if (inRepo.size() <= 1) {
            return inRepo.stream().findFirst();
        }
        List<StoredModel> preferred = inRepo.stream()
                .filter(m -> m.manifest().tag().equalsIgnoreCase(ModelSelector.DEFAULT_QUANT)).toList();
        if (preferred.size() == 1) {
            return Optional.of(preferred.getFirst());
        }
        throw new ModelStoreException(h + " is ambiguous: the store has " + inRepo.stream().map(StoredModel::name)
                .collect(Collectors.joining(", ")) + "; name one");
    }

    private Optional<StoredModel> load(Path dir) {
        try {
            return Optional.of(new StoredModel(dir, ManifestJson.read(dir.resolve(ModelManifest.FILE_NAME))));
        } catch (ModelStoreException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return "ModelStore[" + layout.root() + ", " + hub.config() + "]";
    }
}
