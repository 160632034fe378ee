package dev.jllm.server.ondemand;

import dev.jllm.models.hf.HfModelDirectory;
import dev.jllm.models.hf.ModelReference;
import dev.jllm.models.store.ModelStore;
import dev.jllm.models.store.ModelStoreException;
import dev.jllm.models.store.StoredModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a model name in a request may mean, and nothing more: an alias made by a copy, a model in the store
 * (any spelling {@link ModelReference} accepts for it), a Hugging Face reference the server may pull, or a model
 * file inside one of the directories the operator allowed ({@code --models-dir}). A name is never opened as a path
 * outside those directories, and whatever does not resolve gives the same empty answer, so a client cannot learn
 * which server files exist.
 *
 * <p>Every spelling of one model resolves to one canonical name (the store's {@code hf.co/OWNER/REPO:TAG}, or the
 * real path of a file), which is what the server loads, so a model is loaded once however it is named.
 */
public final class ModelNames {

    /** A model a name resolved to. {@code path} is null when the model must be pulled first. */
    public record Found(String canonical, Path path, long size) {
        public boolean needsPull() {
            return path == null;
        }
    }

    private static final int MAX_NAME = 512;

    private final ModelStore store;
    private final Aliases aliases;
    private final List<Path> modelsDirs;

    public ModelNames(ModelStore store, Aliases aliases, List<Path> modelsDirs) {
        this.store = store;
        this.aliases = aliases;
        this.modelsDirs = realDirs(modelsDirs);
    }

    public ModelStore store() {
        return store;
    }

    public Aliases aliases() {
        return aliases;
    }

    /**
     * The model a name means, following one alias.
     *
     * @param pullable whether a Hugging Face reference missing from the store counts (as a model to pull)
     * @throws ModelStoreException if the name is a store name that matches several models (the message lists them)
     */
    public Optional<Found> find(String name, boolean pullable) {
        if (!plausible(name)) {
            return Optional.empty();
        }
        Optional<String> alias = aliases.target(name);
        String n = alias.orElse(name).strip();
        Optional<Found> file = inModelsDir(n);
        if (file.isPresent()) {
            return file;
        }
        return inStore(n, pullable);
    }

    /** The alias target if {@code name} is an alias. */
    public Optional<String> aliasTarget(String name) {
        return plausible(name) ? aliases.target(name) : Optional.empty();
    }

    private static boolean plausible(String name) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private Optional<Found> inStore(String name, boolean pullable) {
        ModelReference ref;
        try {
            ref = ModelReference.parse(hubSpelling(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!(ref instanceof ModelReference.Hub hub)) {
            return Optional.empty(); // a path: only the models directories serve paths
        }
        Optional<StoredModel> stored = store.find(hub.toString());
        if (stored.isPresent()) {
            StoredModel m = stored.get();
            return Optional.of(new Found(m.name(), m.primaryPath(), m.size()));
        }
        return pullable ? Optional.of(new Found(hub.toString(), null, 0)) : Optional.empty();
    }

    /** Store names are Hub references; written without a host they still are ("owner/repo:tag"), never paths. */
    private static String hubSpelling(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("hf.co/") || lower.startsWith("huggingface.co/") || lower.startsWith("https://")
                || lower.startsWith("http://")) {
            return name;
        }
        return "hf.co/" + name;
    }

    private Optional<Found> inModelsDir(String name) {
        if (modelsDirs.isEmpty()) {
            return Optional.empty();
        }
        for (String seg : name.split("[/\\\\]")) {
            if (seg.equals("..")) {
                return Optional.empty();
            }
        }
        Path asPath;
        try {
            asPath = Path.of(name);
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        for (Path dir : modelsDirs) {
            Path candidate = asPath.isAbsolute() ? asPath : dir.resolve(asPath);
            try {
                if (!Files.exists(candidate)) {
                    continue;
                }
                Path real = candidate.toRealPath();
                // Links are followed, and the target must still be inside the directory.
                if (!real.startsWith(dir) || real.equals(dir)) {
                    continue;
                }
                if (Files.isRegularFile(real) && real.getFileName().toString().toLowerCase(Locale.ROOT)
                        .endsWith(".gguf")) {
                    return Optional.of(new Found(real.toString(), real, Files.size(real)));
                }
                if (HfModelDirectory.isModelDirectory(real)) {
                    return Optional.of(new Found(real.toString(), real, directorySize(real)));
                }
            } catch (IOException | SecurityException e) {
                // unreadable: as if it were not there
            }
        }
        return Optional.empty();
    }

    /** The model files in the models directories, as names requests may use (relative to their directory). */
    public List<Found> modelsDirFiles() {
        List<Found> out = new ArrayList<>();
        for (Path dir : modelsDirs) {
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.sorted().toList()) {
                    inModelsDir(dir.relativize(p).toString()).ifPresent(out::add);
                }
            } catch (IOException e) {
                // a directory that went away lists nothing
            }
        }
        return out;
    }

    /** The name a request may use for a models-directory file: its path relative to the directory. */
    public Optional<String> modelsDirName(String canonical) {
        Path p = Path.of(canonical);
        for (Path dir : modelsDirs) {
            if (p.startsWith(dir)) {
                return Optional.of(dir.relativize(p).toString());
            }
        }
        return Optional.empty();
    }

    private static long directorySize(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir, 2)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    private static List<Path> realDirs(List<Path> dirs) {
        List<Path> out = new ArrayList<>();
        for (Path d : dirs) {
            try {
                out.add(d.toRealPath());
            } catch (IOException e) {
                throw new IllegalArgumentException("--models-dir " + d + " is not a readable directory");
            }
        }
        return out;
    }
}
