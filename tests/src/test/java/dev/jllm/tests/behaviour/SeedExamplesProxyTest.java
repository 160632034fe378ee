package dev.jllm.tests.behaviour;

import dev.jllm.tests.support.Closeables;
import dev.jllm.tests.support.ServerProcess;
import dev.jllm.tests.support.TestModelDirs;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Origin;
import dev.jllm.api.LlmService;
import dev.jllm.api.LlmServices;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.OpenAiConfig;
import dev.jllm.api.ServiceOptions;
import dev.jllm.models.testing.TestData;
import dev.jllm.proxy.BackgroundJobs;
import dev.jllm.proxy.JobInfo;
import dev.jllm.proxy.JobUpdate;
import dev.jllm.proxy.JobUpdates;
import dev.jllm.tests.support.FakeUpstream;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The original service's examples in proxy mode, against a real {@code jllm serve} process: a service from
 * {@code LlmServices.proxy(...)} / {@code fromEnvironment()}, and background jobs followed across a restart of
 * the client.
 */
class SeedExamplesProxyTest extends SeedExamples {

    @TempDir
    static Path home;
    static MiniHub hub;
    static ServerProcess server;
    static LlmService service;

    @BeforeAll
    static void start() {
        hub = new MiniHub(TestData.stories260k());
        // The examples hand the server files they wrote in their scratch directory: the operator allows it.
        server = ServerProcess.start(home.resolve("server-home"), Map.of("HF_ENDPOINT", hub.endpoint(),
                "JLLM_MODELS_DIR", TestModelDirs.env() + java.io.File.pathSeparator + home), 0);
        service = LlmServices.fromEnvironment(Map.of("JLLM_SERVER_URL", server.baseUrl()));
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(service, server, hub);
    }

    @Override
    LlmService service() {
        return service;
    }

    @Override
    String expectedMode() {
        return "proxy";
    }

    @Override
    Path scratch() {
        return home;
    }

    /**
     * The seed's {@code backgroundJob.execute('serve-model', ...)}: a UI submits a serve, keeps the job id, is
     * restarted mid-download, and follows the job on from the last event it handled: nothing lost or repeated.
     */
    @Test
    void aServeJobIsFollowedAcrossARestartOfTheClient() throws Exception {
        service.create("puller", LocalConfig.defaults().withThreads(1));
        CountDownLatch held = hub.holdDownloads();
        String jobId;
        long lastHandled;
        List<Long> seen = new ArrayList<>();
        try (BackgroundJobs jobs = BackgroundJobs.connect(URI.create(server.baseUrl()))) {
            JobInfo job = jobs.submit("serve-model", Map.of("instance", "puller", "model", MiniHub.REF));
            assertThat(job.type()).isEqualTo("model.serve");
            jobId = job.id();
            try (JobUpdates updates = jobs.follow(jobId, 0)) {
                JobUpdate first = updates.next();
                assertThat(first).isInstanceOf(JobUpdate.Progress.class);
                seen.add(first.eventId());
                lastHandled = first.eventId();
            }
            assertThat(jobs.list()).extracting(JobInfo::id).contains(jobId);
        } // the client is gone; the job goes on on the server
        held.countDown();
        hub.releaseDownloads();

        JobUpdate last = null;
        try (BackgroundJobs jobs = BackgroundJobs.connect(URI.create(server.baseUrl()));
             JobUpdates updates = jobs.follow(jobId, lastHandled)) {
            for (JobUpdate u : updates) {
                seen.add(u.eventId());
                last = u;
            }
            JobInfo done = jobs.get(jobId);
            assertThat(done.status()).isEqualTo("succeeded");
            assertThat(done.lastEventId()).isEqualTo(last.eventId());
        }
        for (int i = 0; i < seen.size(); i++) {
            assertThat(seen.get(i)).as("event ids without gap or repeat: %s", seen).isEqualTo(i + 1L);
        }
        assertThat(last).isInstanceOf(JobUpdate.Result.class);
        JsonObject result = ((JobUpdate.Result) last).result().asJsonObject();
        assertThat(result.getString("instance")).isEqualTo("puller");
        assertThat(result.getString("provider")).isEqualTo("local");
        assertThat(service.models("puller")).extracting(m -> m.id()).contains(MiniHub.REF);
    }

    @Test
    void theOriginalServicesJobNamesAreAliases() {
        try (BackgroundJobs jobs = BackgroundJobs.connect(URI.create(server.baseUrl()))) {
            JobInfo job = jobs.submit("get-all-models", Map.of());
            try (JobUpdates updates = jobs.follow(job.id(), 0)) {
                JobUpdate end = updates.stream().reduce((a, b) -> b).orElseThrow();
                // No instance and no current model: the job fails on the server, and says so.
                assertThat(end).isInstanceOf(JobUpdate.Failed.class);
                assertThat(((JobUpdate.Failed) end).error().origin()).isEqualTo(Origin.JOB);
            }
            assertThat(jobs.get(job.id()).type()).isEqualTo("models.list");
            JobInfo cancelled = jobs.cancel(job.id());
            assertThat(cancelled.isFinal()).isTrue();
        }
    }

    /** With JLLM_SERVER_URL set, the environment chooses proxy mode (the seed's initialize({ proxy })). */
    @Test
    void aServerUrlInTheEnvironmentChoosesProxyMode() {
        try (LlmService s = LlmServices.proxy(URI.create(server.baseUrl()), ServiceOptions.DEFAULTS)) {
            assertThat(s.info().mode()).isEqualTo("proxy");
        }
    }

    /**
     * Fallback pattern 2: when the jllm server cannot be reached (a transport failure, not the model's), the
     * proxy answers from an instance it runs itself.
     */
    @Test
    void aServerThatCannotBeReachedFallsBackToAnInProxyInstance() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        ServiceOptions quick = ServiceOptions.DEFAULTS.withReconnectWindow(Duration.ZERO)
                .withTimeouts(new dev.jllm.api.HttpTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5),
                        Duration.ofSeconds(5)));
        try (LlmService proxy = LlmServices.proxy(URI.create("http://127.0.0.1:" + deadPort), quick)) {
            String answer;
            try {
                answer = proxy.chatCompletion("tiny", ask(model().toString(), "Hello")).text();
            } catch (LlmException e) {
                assertThat(e.origin()).isEqualTo(Origin.TRANSPORT);
                // The proxy's own instances work while the server is down.
                answer = proxy.create("cloud", OpenAiConfig.of("sk-test").withBaseUrl(upstream.baseUrl()))
                        .chatCompletion(ask(FakeUpstream.MODEL, "Hello")).text();
            }
            assertThat(answer).isEqualTo(String.join("", FakeUpstream.STORY));
        }
    }
}
