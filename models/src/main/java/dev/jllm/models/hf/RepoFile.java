package dev.jllm.models.hf;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One file of a Hub repository, as the Hub's tree listing describes it.
 *
 * @param path    path inside the repo, {@code /}-separated, checked by {@link #checkPath} (a listing cannot name
 *                a file outside the folder it is downloaded to)
 * @param size    size in bytes
 * @param sha256  lower-case hex SHA-256 of the content for files stored with LFS ({@code lfs.oid}), else null
 * @param gitOid  lower-case hex git blob id (SHA-1 of {@code "blob <size>\0" + content}); for LFS files this is the
 *                id of the pointer, so it only verifies content when {@code sha256} is null
 */
public record RepoFile(String path, long size, String sha256, String gitOid) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");

    public RepoFile {
        checkPath(path);
        if (size < 0) {
            throw new IllegalArgumentException("negative size for " + path);
        }
        sha256 = normalize(sha256, SHA256);
        gitOid = normalize(gitOid, SHA1);
    }

    /** The last path segment. */
    public String fileName() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    public boolean isTopLevel() {
        return path.indexOf('/') < 0;
    }

    private static String normalize(String hex, Pattern p) {
        if (hex == null) {
            return null;
        }
        String h = hex.strip().toLowerCase(Locale.ROOT);
        return p.matcher(h).matches() ? h : null;
    }

    /**
     * Refuses paths that could escape the download folder or confuse a file system: absolute paths, {@code .} or
     * {@code ..} segments, empty segments, backslashes, control characters, colons (drive letters, NTFS streams).
     */
    public static void checkPath(String path) {
        Objects.requireNonNull(path, "path");
        if (path.isEmpty() || path.length() > 1024) {
            throw new IllegalArgumentException("bad repo file path '" + path + "'");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\' || c == ':') {
                throw new IllegalArgumentException("bad character in repo file path '" + printable(path) + "'");
            }
        }
        for (String seg : path.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new IllegalArgumentException("repo file path '" + path + "' is absolute or leaves its folder");
            }
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
