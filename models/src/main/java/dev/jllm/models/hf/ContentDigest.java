package dev.jllm.models.hf;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The checksum the Hub publishes for a file, computed while the bytes stream in: SHA-256 of the content for files
 * stored with LFS (all model weights), or the git blob id ({@code SHA-1("blob " + size + "\0" + content)}) for
 * small files kept in git (configs, tokenizers).
 */
final class ContentDigest {
    enum Kind {
        SHA256("sha256"),
        GIT_SHA1("git-sha1");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private final Kind kind;
    private final long size;
    private MessageDigest md;

    ContentDigest(Kind kind, long size) {
        this.kind = kind;
        this.size = size;
        reset();
    }

    /** The digest that can check {@code file} against what the listing reports (SHA-256 when nothing is known). */
    static ContentDigest forFile(RepoFile file) {
        Kind kind = file.sha256() == null && file.gitOid() != null ? Kind.GIT_SHA1 : Kind.SHA256;
        return new ContentDigest(kind, file.size());
    }

    Kind kind() {
        return kind;
    }

    void reset() {
        try {
            md = MessageDigest.getInstance(kind == Kind.SHA256 ? "SHA-256" : "SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + kind, e); // both are mandatory in every JDK
        }
        if (kind == Kind.GIT_SHA1) {
            md.update(("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
        }
    }

    void update(byte[] b, int off, int len) {
        md.update(b, off, len);
    }

    /** Lower-case hex of the digest; the digest must not be updated afterwards. */
    String hex() {
        return HexFormat.of().formatHex(md.digest());
    }
}
