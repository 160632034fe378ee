package dev.jllm.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class AtomicFilesTest {

    @TempDir
    Path dir;

    @Test
    void replacesTheWholeFileCreatingItsDirectoryAndLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("home/state.json");
        AtomicFiles.replace(file, "{\"a\":1}", false);
        AtomicFiles.replace(file, "{\"é\":2}", false);
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("{\"é\":2}");
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("state.json");
        }
    }

    @Test
    void aFileHoldingKeysIsReadableByItsOwnerOnly() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "the file system has no POSIX permissions");
        Path file = dir.resolve("instances.json");
        AtomicFiles.replace(file, "{}", true);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }
}
