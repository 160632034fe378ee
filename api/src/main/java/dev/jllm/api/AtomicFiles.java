package dev.jllm.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Replaces a small state file whole: the text goes to a uniquely named temporary file beside it, which is then
 * moved over the old one (atomically where the file system can), so a crash leaves the old or the new content,
 * never half a file, and two writers racing each leave a whole file (the last move wins). Used for everything
 * jllm keeps in {@link JllmHome}: saved instances, the current model, model manifests, aliases.
 */
public final class AtomicFiles {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private AtomicFiles() {
    }

    /**
     * Writes {@code text} (UTF-8) as the new content of {@code file}, creating its directory.
     *
     * @param ownerOnly whether only the owner may read the file (0600 where the file system has POSIX
     *                  permissions): for files that hold API keys
     */
    public static void replace(Path file, String text, boolean ownerOnly) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        String prefix = file.getFileName() + ".";
        Path tmp = ownerOnly && POSIX ? Files.createTempFile(dir, prefix, ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, prefix, ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
