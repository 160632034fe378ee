package dev.jllm.models.store;

import dev.jllm.models.hf.ModelReference;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where things are in the store: {@code ROOT/hf.co/OWNER/REPO/TAG/} holds one model's files (with their repo
 * paths) and its manifest. Every path handed out is checked to stay under the root, whatever a name holds.
 * Owner, repo and tag are matched ignoring case, as the Hub matches repo names.
 */
final class StoreLayout {
    static final String HUB_DIR = "hf.co";
    /** Depth of a model directory below the root: hf.co / OWNER / REPO / TAG. */
    static final int MODEL_DEPTH = 4;

    private final Path root;

    StoreLayout(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** The directory for a model: the existing one (matched ignoring case) or a new path. */
    Path modelDir(String repo, String tag) {
        ModelReference.Hub checked = new ModelReference.Hub(repo, tag, null); // validates the names
        Path repoDir = repoDir(checked.repo()).orElse(root.resolve(HUB_DIR).resolve(checked.owner())
                .resolve(checked.name()));
        Path dir = child(repoDir, tag).orElse(repoDir.resolve(tag));
        return inside(dir);
    }

    /** The existing directory of a repo, matched ignoring case. */
    Optional<Path> repoDir(String repo) {
        int slash = repo.indexOf('/');
        return child(root.resolve(HUB_DIR), repo.substring(0, slash))
                .flatMap(owner -> child(owner, repo.substring(slash + 1)))
                .map(this::inside);
    }

    /** Model directories (those with a manifest) of a repo. */
    List<Path> modelDirs(String repo) {
        List<Path> out = new ArrayList<>();
        repoDir(repo).ifPresent(r -> out.addAll(subdirs(r).stream().filter(StoreLayout::hasManifest).toList()));
        return out;
    }

    /** Every model directory in the store. */
    List<Path> allModelDirs() {
        return tagDirs(true);
    }

    /** Model directories without a manifest: pulls that stopped before their model was complete. */
    List<Path> partialDirs() {
        return tagDirs(false);
    }

    private List<Path> tagDirs(boolean withManifest) {
        List<Path> out = new ArrayList<>();
        for (Path owner : subdirs(root.resolve(HUB_DIR))) {
            for (Path repo : subdirs(owner)) {
                for (Path tag : subdirs(repo)) {
                    if (hasManifest(tag) == withManifest) {
                        out.add(tag);
                    }
                }
            }
        }
        return out;
    }

    static boolean hasManifest(Path dir) {
        return Files.isRegularFile(dir.resolve(ModelManifest.FILE_NAME), LinkOption.NOFOLLOW_LINKS);
    }

    /** Whether {@code p} (made absolute and normalized) lies inside the root. */
    boolean contains(Path p) {
        Path n = p.toAbsolutePath().normalize();
        return n.startsWith(root) && !n.equals(root);
    }

    /** Refuses a path outside the root; the last guard against a name that escapes the store. */
    Path inside(Path p) {
        Path n = p.toAbsolutePath().normalize();
        if (!n.startsWith(root) || n.equals(root)) {
            throw new ModelStoreException("refusing " + p + ": it is outside the model store " + root);
        }
        return n;
    }

    /** Deletes empty directories from {@code dir} up to (not including) the root. */
    void pruneEmptyParents(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        while (d != null && d.startsWith(root) && !d.equals(root)) {
            try {
                Files.delete(d);
            } catch (IOException e) {
                return; // not empty, or gone: either way we stop here
            }
            d = d.getParent();
        }
    }

    private static Optional<Path> child(Path dir, String name) {
        Path exact = dir.resolve(name);
        if (Files.isDirectory(exact, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.of(exact);
        }
        for (Path p : subdirs(dir)) {
            if (p.getFileName().toString().equalsIgnoreCase(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Sub-directories, not following links: a link in the store must not lead listings or deletions elsewhere. */
    private static List<Path> subdirs(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }
}
