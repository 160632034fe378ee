package dev.jllm.tests.behaviour;

import dev.jllm.models.testing.TestData;
import dev.jllm.tests.support.JllmCli;
import dev.jllm.tests.support.ServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pull that stops midway (the pulling process dies, as on a crash or Ctrl-C, while the Hub holds the rest of
 * the file) leaves nothing hidden in the store: {@code jllm ls} lists it as partial with how far it got and how to
 * resume, {@code jllm pull} resumes it, and {@code jllm rm} or the server's {@code DELETE /api/delete} removes it.
 */
class FailedPullTest {

    private static final Duration LIMIT = Duration.ofMinutes(2);
    private static final String PARTIAL_LINE = "hf\\.co/jllm-test/stories260K:F32 +\\d+(\\.\\d)? KiB +- +- +partial, "
            + "\\d+% — resume with jllm pull hf\\.co/jllm-test/stories260K:F32";

    @TempDir
    Path home;

    @Test
    void aStoppedPullIsListedResumedAndRemovable() throws Exception {
        try (MiniHub hub = new MiniHub(TestData.stories260k())) {
            Map<String, String> env = Map.of("JLLM_HOME", home.toString(), "HF_ENDPOINT", hub.endpoint());

            long kept = stopMidway(hub, env);
            assertThat(kept).isLessThan(hub.size());
            assertThat(cli(env, 0, "ls")).containsPattern(PARTIAL_LINE);

            // resumed by pulling again: a model, no partial any more
            assertThat(cli(env, 0, "pull", MiniHub.REF)).contains("pulled " + MiniHub.REF);
            assertThat(cli(env, 0, "ls")).contains(MiniHub.REF).doesNotContain("partial");
            assertThat(cli(env, 0, "rm", MiniHub.REF)).contains("deleted " + MiniHub.REF);

            // removed with jllm rm
            stopMidway(hub, env);
            assertThat(cli(env, 0, "rm", MiniHub.REF)).contains("deleted partial pull " + MiniHub.REF);
            assertThat(cli(env, 0, "ls")).contains("no models in");
            assertThat(storeFiles()).isEmpty();

            // removed through the server's Ollama API
            stopMidway(hub, env);
            try (ServerProcess server = ServerProcess.start(home, Map.of("HF_ENDPOINT", hub.endpoint()), 0)) {
                HttpResponse<String> deleted = server.http().send(server.http().request("/api/delete")
                        .header("Content-Type", "application/json")
                        .method("DELETE", HttpRequest.BodyPublishers.ofString("{\"model\":\"" + MiniHub.REF + "\"}"))
                        .build());
                assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
            }
            assertThat(storeFiles()).isEmpty();
        }
    }

    /** Starts {@code jllm pull}, lets it get part of the file, kills it; returns the bytes it kept. */
    private long stopMidway(MiniHub hub, Map<String, String> env) throws Exception {
        hub.holdDownloadsAt(256 * 1024);
        Process pull = JllmCli.start(env, "pull", MiniHub.REF);
        Path part = home.resolve("models/hf.co/jllm-test/stories260K/F32/" + MiniHub.FILE + ".part");
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!(Files.exists(part) && Files.size(part) >= 256 * 1024) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        pull.destroyForcibly(); // a crash: nothing of the pull's own clean-up runs
        assertThat(pull.waitFor(30, TimeUnit.SECONDS)).isTrue();
        hub.releaseDownloads();
        assertThat(part).exists();
        return Files.size(part);
    }

    private String cli(Map<String, String> env, int exit, String... args) {
        JllmCli.Result r = JllmCli.run(env, LIMIT, args);
        assertThat(r.exit()).as("jllm " + String.join(" ", args) + ": " + r.output()).isEqualTo(exit);
        return r.output();
    }

    private java.util.List<Path> storeFiles() throws Exception {
        Path store = home.resolve("models");
        if (!Files.exists(store)) {
            return java.util.List.of();
        }
        try (Stream<Path> s = Files.walk(store)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
