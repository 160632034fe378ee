package dev.jllm.models.hf;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a user typed to name a model, in the forms Ollama and llama.cpp taught them:
 * <ul>
 *   <li>a local path: a GGUF file or a Hugging Face model directory ({@link Local});</li>
 *   <li>{@code hf.co/OWNER/REPO[:QUANT]} or {@code OWNER/REPO[:QUANT]}: the GGUF of that quantization in the
 *       repo (default Q4_K_M), or {@code :safetensors} for the safetensors model directory ({@link Hub});</li>
 *   <li>{@code OWNER/REPO/PATH/FILE.gguf}: one GGUF file of the repo (all parts if it is split).</li>
 * </ul>
 * A text that names an existing file or directory is local even if it also looks like {@code OWNER/REPO}, as a
 * path the user can see wins over a remote guess.
 */
public sealed interface ModelReference {

    /** A model on the local disk, used in place. */
    record Local(Path path) implements ModelReference {
        @Override
        public String toString() {
            return path.toString();
        }
    }

    /**
     * A model in a Hub repo.
     *
     * @param repo {@code OWNER/NAME}
     * @param tag  a quantization (matched ignoring case), {@code safetensors}, a store tag, or null for the default
     * @param file a {@code .gguf} path inside the repo, or null
     */
    record Hub(String repo, String tag, String file) implements ModelReference {
        public Hub {
            checkRepo(repo);
            if (tag != null) {
                checkTag(tag);
            }
            if (file != null) {
                RepoFile.checkPath(file);
                if (tag != null) {
                    throw new IllegalArgumentException("give either a file or a :TAG, not both");
                }
            }
        }

        public String owner() {
            return repo.substring(0, repo.indexOf('/'));
        }

        public String name() {
            return repo.substring(repo.indexOf('/') + 1);
        }

        /** The reference in its canonical spelling, {@code hf.co/OWNER/REPO[:TAG]} or {@code hf.co/OWNER/REPO/FILE}. */
        @Override
        public String toString() {
            return "hf.co/" + repo + (file != null ? "/" + file : "") + (tag != null ? ":" + tag : "");
        }
    }

    /** Owner and repo names as the Hub allows them; {@code ..} is refused so a name can never climb out of a folder. */
    Pattern NAME_PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,95}");
    /** Tags are quantization names or file stems. */
    Pattern TAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    static ModelReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty model reference");
        }
        String t = text.strip();
        String rest = stripHubPrefix(t);
        boolean explicitHub = rest.length() != t.length();
        if (!explicitHub && looksLikePath(t)) {
            return new Local(localPath(t));
        }
        if (!explicitHub && existsLocally(t)) {
            return new Local(Path.of(t));
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon >= 0) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (tag.isEmpty() || tag.equalsIgnoreCase("latest")) {
                tag = null; // Ollama's and llama.cpp's ":latest" means "the default pick".
            } else if (!TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("bad tag ':" + tag + "' in model reference '" + t + "'");
            }
        }
        String[] seg = rest.split("/", -1);
        if (seg.length < 2) {
            if (!explicitHub && t.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
                return new Local(Path.of(t)); // a file name that does not exist: report it as a missing file
            }
            throw new IllegalArgumentException("'" + t + "' is neither an existing file nor a model reference: "
                    + "give a path to a .gguf file or model directory, hf.co/OWNER/REPO[:QUANT] or "
                    + "OWNER/REPO/FILE.gguf");
        }
        String repo = seg[0] + "/" + seg[1];
        try {
            checkRepo(repo);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " in model reference '" + t + "'");
        }
        if (seg.length == 2) {
            return new Hub(repo, tag, null);
        }
        String file = String.join("/", Arrays.copyOfRange(seg, 2, seg.length));
        if (!file.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            throw new IllegalArgumentException("'" + t + "': a file in a repo must be a .gguf file; for a "
                    + "safetensors model name the repo (hf.co/" + repo + ")");
        }
        if (tag != null) {
            throw new IllegalArgumentException("'" + t + "': give either a file or a :TAG, not both");
        }
        try {
            RepoFile.checkPath(file);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + t + "': " + e.getMessage());
        }
        return new Hub(repo, null, file);
    }

    private static boolean looksLikePath(String t) {
        return t.startsWith("/") || t.startsWith("./") || t.startsWith("../") || t.equals(".") || t.equals("..")
                || t.startsWith("~") || t.contains("\\") || t.matches("[A-Za-z]:.*");
    }

    private static Path localPath(String t) {
        if (t.equals("~") || t.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + t.substring(1));
        }
        return Path.of(t);
    }

    private static boolean existsLocally(String t) {
        try {
            return Files.exists(Path.of(t));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static String stripHubPrefix(String t) {
        for (String p : new String[] {"https://huggingface.co/", "http://huggingface.co/", "https://hf.co/",
                "http://hf.co/", "huggingface.co/", "hf.co/"}) {
            if (t.regionMatches(true, 0, p, 0, p.length())) {
                return t.substring(p.length());
            }
        }
        return t;
    }

    private static void checkRepo(String repo) {
        int slash = repo.indexOf('/');
        if (slash < 0 || repo.indexOf('/', slash + 1) >= 0) {
            throw new IllegalArgumentException("bad repo '" + repo + "': expected OWNER/NAME");
        }
        for (String part : new String[] {repo.substring(0, slash), repo.substring(slash + 1)}) {
            if (!NAME_PART.matcher(part).matches() || part.contains("..")) {
                throw new IllegalArgumentException("bad repo name '" + repo + "'");
            }
        }
    }

    private static void checkTag(String tag) {
        if (!TAG.matcher(tag).matches() || tag.contains("..")) {
            throw new IllegalArgumentException("bad tag ':" + tag + "'");
        }
    }
}
