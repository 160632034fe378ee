package dev.jllm.models.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared test data ({@code ../shared/testdata} beside the checkout, passed by Surefire as the system
 * property {@code jllm.testdata}). Without it the tests that need it are skipped with a message, except under CI
 * ({@code JLLM_REQUIRE_TESTDATA=1}), where a missing file is a failure. Shared with the other modules' tests
 * through this module's test-jar.
 */
public final class TestData {
    private TestData() {
    }

    public static Path root() {
        String p = System.getProperty("jllm.testdata");
        return Path.of(p != null ? p : "../../shared/testdata").toAbsolutePath().normalize();
    }

    /** The test-data file at {@code relative}; skips (or fails under CI) when it is absent. */
    public static Path require(String relative) {
        Path f = root().resolve(relative);
        if (!Files.exists(f)) {
            String msg = "test data " + f + " is missing (expected ../shared/testdata beside the checkout)";
            if ("1".equals(System.getenv("JLLM_REQUIRE_TESTDATA"))) {
                throw new AssertionError(msg);
            }
            Assumptions.abort(msg + ": skipping");
        }
        return f;
    }

    /** The stories260K GGUF model. */
    public static Path stories260k() {
        return require("stories260K/stories260K.gguf");
    }
}
