package dev.jllm.runtime.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Locates the shared test data (system property {@code jllm.testdata}, set by the build). When a file is
 * missing the test is skipped with a message, unless {@code JLLM_REQUIRE_TESTDATA=1} (CI), where it fails.
 */
public final class TestData {

    private TestData() {}

    /** The test data file at {@code relative} (e.g. {@code stories260K/stories260K.gguf}); skips or fails when absent. */
    public static Path require(String relative) {
        String root = System.getProperty("jllm.testdata");
        Path file = root == null ? null : Path.of(root).resolve(relative);
        if (file != null && Files.isRegularFile(file)) {
            return file;
        }
        String message = "test data " + relative + " not found"
                + (root == null ? " (system property jllm.testdata is not set)" : " under " + root);
        if ("1".equals(System.getenv("JLLM_REQUIRE_TESTDATA"))) {
            fail(message + " and JLLM_REQUIRE_TESTDATA=1");
        }
        Assumptions.abort(message + "; skipping");
        throw new AssertionError("unreachable");
    }
}
