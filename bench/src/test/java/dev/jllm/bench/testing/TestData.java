package dev.jllm.bench.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the shared test data (Surefire passes its directory as the system property {@code jllm.testdata}).
 * Without it the tests that need it are skipped with a message, except under CI ({@code JLLM_REQUIRE_TESTDATA=1}),
 * where a missing file is a failure.
 */
public final class TestData {
    private TestData() {
    }

    /** The test-data file at {@code relative}; skips (or fails under CI) when it is absent. */
    public static Path require(String relative) {
        String root = System.getProperty("jllm.testdata");
        Path f = Path.of(root != null ? root : "../../shared/testdata").toAbsolutePath().normalize().resolve(relative);
        if (!Files.exists(f)) {
            String msg = "test data " + f + " is missing (expected ../shared/testdata beside the checkout)";
            if ("1".equals(System.getenv("JLLM_REQUIRE_TESTDATA"))) {
                throw new AssertionError(msg);
            }
            Assumptions.abort(msg + ": skipping");
        }
        return f;
    }
}
