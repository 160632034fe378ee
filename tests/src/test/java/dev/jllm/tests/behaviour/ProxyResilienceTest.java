package dev.jllm.tests.behaviour;

import dev.jllm.tests.support.ServerProcess;
import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.ProgressListener;
import dev.jllm.api.Subscription;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.proxy.LlmServiceProxy;
import dev.jllm.tests.support.FakeUpstream;
import dev.jllm.tests.support.Jobs;
import dev.jllm.models.testing.TestData;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static dev.jllm.tests.behaviour.LlmServiceBehaviour.ask;
import static dev.jllm.tests.behaviour.LlmServiceBehaviour.assertKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The proxy against a real {@code jllm serve} process when things go wrong: event streams cut or stalled on the
 * way (through a {@link FaultyRelay}) are resumed without a chunk lost or repeated; closing a stream, interrupting
 * a call or closing the proxy cancels the job on the server (seen in the server's metrics and at the upstream
 * server or Hub the job was using); a server that cannot be reached or never answers fails the call quickly.
 */
@Timeout(120)
class ProxyResilienceTest {

    private static final String TINY = "tiny";
    /** An openai instance on the server (created by another client: a proxy runs openai instances itself). */
    private static final String UPSTREAM = "upstream";
    private static final Duration SOON = Duration.ofSeconds(10);
    /** The server requires a key, so every proxy here sends one. */
    private static final String KEY = "resilience-key";

    @TempDir
    static Path home;
    static Path model;
    static MiniHub hub;
    static FakeUpstream upstream;
    static ServerProcess server;
    static FaultyRelay relay;
    static ServerMetrics metrics;
    static LlmServiceProxy direct;

    @BeforeAll
    static void start() throws InterruptedException {
        model = TestData.stories260k();
        hub = new MiniHub(model);
        upstream = new FakeUpstream();
        server = ServerProcess.start(home.resolve("server-home"), Map.of("HF_ENDPOINT", hub.endpoint()), 0, KEY);
        relay = new FaultyRelay(server.port());
        metrics = new ServerMetrics(server.http());
        direct = proxy(server.baseUrl()).build();
        direct.create(TINY, LocalConfig.of(model.toString()).withThreads(1));
        Jobs jobs = new Jobs(server.http());
        JsonObject job = jobs.submit("instance.create", "{\"name\":\"" + UPSTREAM + "\",\"type\":\"openai\","
                + "\"config\":{\"base_url\":\"" + upstream.baseUrl() + "\",\"api_key\":\"k\"}}");
        assertThat(jobs.await(job.getString("id"), SOON).getString("status")).isEqualTo("succeeded");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {direct, relay, server, upstream, hub}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing the rest matters more
            }
        }
    }

    private static LlmServiceProxy.Builder proxy(String url) {
        return LlmServiceProxy.builder(url).apiKey(KEY);
    }

    /** Words of a stream from the upstream's slow story: 30 s in all, so it is surely running when cancelled. */
    private static ChatCompletionRequest slow() {
        return ask(FakeUpstream.MODEL, "[slow] tell me a story", 300);
    }

    // ------------------------------------------------------------------ resuming

    @Test
    void aStreamCutSeveralTimesIsResumedWithoutLosingOrRepeatingAChunk() {
        ChatCompletionRequest req = ask(model.toString(), "Once upon a time", 300);
        List<String> undisturbed = texts(direct.chatCompletionStream(TINY, req));
        assertThat(String.join("", undisturbed)).isEqualTo(ReferenceEngine.text(model, req));

        try (LlmServiceProxy viaRelay = proxy(relay.baseUrl()).reconnectWindow(SOON).build()) {
            int requests = relay.eventRequests();
            relay.arm(FaultyRelay.Fault.CUT, 3000, 3);
            List<String> resumed = texts(viaRelay.chatCompletionStream(TINY, req));

            assertThat(relay.faultsLeft()).isZero();
            assertThat(relay.eventRequests() - requests).isEqualTo(4); // the first request and three resumptions
            List<String> ids = relay.lastEventIds().subList(requests, requests + 4);
            assertThat(ids.getFirst()).isEmpty();
            assertThat(ids.subList(1, 4)).allSatisfy(id -> assertThat(id).isNotEmpty());
            assertThat(ids.subList(1, 4).stream().map(Long::parseLong).toList()).isSorted().doesNotHaveDuplicates()
                    .allSatisfy(id -> assertThat(id).isPositive());
            assertThat(resumed).isEqualTo(undisturbed);
        }
    }

    @Test
    void aStalledStreamIsGivenUpAfterTheIdleLimitAndResumed() {
        ChatCompletionRequest req = ask(model.toString(), "The sun", 200);
        try (LlmServiceProxy viaRelay = proxy(relay.baseUrl()).idleTimeout(Duration.ofSeconds(1))
                .reconnectWindow(SOON).build()) {
            int requests = relay.eventRequests();
            relay.arm(FaultyRelay.Fault.STALL, 2000, 1);
            long t0 = System.nanoTime();
            ChatCompletion whole = viaRelay.chatCompletion(TINY, req);
            long millis = (System.nanoTime() - t0) / 1_000_000;

            assertThat(relay.faultsLeft()).isZero();
            assertThat(relay.eventRequests() - requests).isEqualTo(2);
            assertThat(millis).isGreaterThanOrEqualTo(1000);
            assertThat(whole.choices().getFirst().message().text()).isEqualTo(ReferenceEngine.text(model, req));
            assertThat(whole.usage().completionTokens()).isEqualTo(200);
        }
    }

    @Test
    void aStreamMayLastLongerThanTheRequestTimeout() {
        // The request limit is for the headers of an answer: a stream that keeps coming is not cut by it.
        try (LlmServiceProxy proxy = proxy(server.baseUrl())
                .requestTimeout(Duration.ofMillis(1500)).build();
             ChatCompletionStream stream = proxy.chatCompletionStream(UPSTREAM, slow())) {
            Iterator<ChatCompletionChunk> it = stream.iterator();
            long t0 = System.nanoTime();
            for (int i = 0; i < 25; i++) {
                assertThat(it.next().text()).isEqualTo(FakeUpstream.STORY.get(i % FakeUpstream.STORY.size()));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(1600));
        }
    }

    // ------------------------------------------------------------------ cancelling

    @Test
    void closingAStreamCancelsItsJobAndTheGenerationBehindIt() throws InterruptedException {
        int aborted = upstream.abortedStreams();
        int cancelled = metrics.jobs("chat.completion", "cancelled");
        ChatCompletionStream stream = direct.chatCompletionStream(UPSTREAM, slow());
        Iterator<ChatCompletionChunk> it = stream.iterator();
        assertThat(it.next().text()).isEqualTo(FakeUpstream.STORY.get(0));
        stream.close();

        Waiting.until(() -> upstream.abortedStreams() == aborted + 1, SOON, () -> "aborted upstream streams: "
                + upstream.abortedStreams());
        metrics.awaitJobs("chat.completion", "cancelled", n -> n == cancelled + 1, SOON);
    }

    @Test
    void interruptingAWaitingChatCancelsItsJob() throws InterruptedException {
        int aborted = upstream.abortedStreams();
        int cancelled = metrics.jobs("chat.completion", "cancelled");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> flagKept = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                direct.chatCompletion(UPSTREAM, slow());
            } catch (Throwable t) {
                failure.set(t);
                flagKept.set(Thread.currentThread().isInterrupted());
            }
        });
        Waiting.until(() -> upstream.openStreams() > 0, SOON, () -> "no upstream stream yet");
        caller.interrupt();
        caller.join(SOON);

        assertThat(caller.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOfSatisfying(LlmException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.CANCELLED));
        assertThat(flagKept.get()).isTrue();
        Waiting.until(() -> upstream.abortedStreams() == aborted + 1, SOON, () -> "aborted upstream streams: "
                + upstream.abortedStreams());
        metrics.awaitJobs("chat.completion", "cancelled", n -> n == cancelled + 1, SOON);
    }

    @Test
    void interruptingAServeThatIsDownloadingCancelsItsJob() throws InterruptedException {
        direct.create("pulling", LocalConfig.defaults().withThreads(1));
        try {
            int downloads = hub.downloads();
            int cancelled = metrics.jobs("model.serve", "cancelled");
            hub.holdDownloads();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    direct.serve("pulling", MiniHub.REF, ProgressListener.NONE);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            Waiting.until(() -> hub.downloads() == downloads + 1, SOON, () -> "no download yet");
            caller.interrupt();
            caller.join(SOON);

            assertThat(caller.isAlive()).isFalse();
            assertThat(failure.get()).isInstanceOfSatisfying(LlmException.class,
                    e -> assertThat(e.kind()).isEqualTo(Kind.CANCELLED));
            metrics.awaitJobs("model.serve", "cancelled", n -> n == cancelled + 1, SOON);
            assertThat(direct.models("pulling")).isEmpty();
        } finally {
            hub.releaseDownloads();
            direct.remove("pulling");
        }
    }

    @Test
    void closingTheProxyCancelsTheJobsItStarted() throws InterruptedException {
        int aborted = upstream.abortedStreams();
        int cancelled = metrics.jobs("chat.completion", "cancelled");
        LlmServiceProxy proxy = proxy(server.baseUrl()).build();
        ChatCompletionStream stream = proxy.chatCompletionStream(UPSTREAM, slow());
        Iterator<ChatCompletionChunk> it = stream.iterator();
        it.next();

        proxy.close();

        assertThatThrownBy(() -> it.forEachRemaining(c -> { })).isInstanceOfSatisfying(LlmException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.CANCELLED));
        Waiting.until(() -> upstream.abortedStreams() == aborted + 1, SOON, () -> "aborted upstream streams: "
                + upstream.abortedStreams());
        metrics.awaitJobs("chat.completion", "cancelled", n -> n == cancelled + 1, SOON);
        assertKind(proxy::list, Kind.UNAVAILABLE);
        stream.close();
    }

    // ------------------------------------------------------------------ the server's key

    @Test
    void withoutTheServersKeyEveryCallIsRefused() {
        for (String key : new String[] {null, "wrong-key"}) {
            try (LlmServiceProxy proxy = LlmServiceProxy.builder(server.baseUrl()).apiKey(key).build()) {
                assertKind(proxy::list, Kind.AUTHENTICATION);
                assertKind(() -> proxy.chatCompletion(TINY, ask(model.toString(), "hi", 2)), Kind.AUTHENTICATION);
                assertKind(() -> proxy.onCurrentModelChange((p, c) -> { }), Kind.AUTHENTICATION);
            }
        }
        assertThat(direct.list()).contains(TINY, UPSTREAM);
    }

    // ------------------------------------------------------------------ no server

    @Test
    void aServerThatCannotBeReachedFailsEveryCallAtOnce() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (LlmServiceProxy proxy = LlmServiceProxy.connect("http://127.0.0.1:" + port)) {
            long t0 = System.nanoTime();
            assertKind(proxy::list, Kind.UNAVAILABLE);
            assertKind(proxy::currentModel, Kind.UNAVAILABLE);
            assertKind(() -> proxy.create(TINY, LocalConfig.of(model.toString())), Kind.UNAVAILABLE);
            assertKind(() -> proxy.chatCompletion(TINY, ask(null, "hi", 4)), Kind.UNAVAILABLE);
            assertKind(() -> proxy.chatCompletionStream(TINY, ask(null, "hi", 4)), Kind.UNAVAILABLE);
            assertKind(() -> proxy.serve(TINY, MiniHub.REF, ProgressListener.NONE), Kind.UNAVAILABLE);
            assertThat(proxy.isReady()).isFalse();
            // Listening needs no server yet: changes arrive once it is there.
            Subscription sub = proxy.onCurrentModelChange((p, c) -> { });
            sub.close();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThatThrownBy(proxy::list).hasMessageContaining("http://127.0.0.1:" + port)
                    .hasMessageContaining("cannot be reached");
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOut() {
        try (FaultyRelay silent = new FaultyRelay(server.port());
             LlmServiceProxy proxy = proxy(silent.baseUrl())
                     .requestTimeout(Duration.ofMillis(500)).build()) {
            silent.blackHole(true);
            long t0 = System.nanoTime();
            assertKind(proxy::list, Kind.TIMEOUT);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aCallWaitingForAnAnswerEndsAtOnceWhenInterrupted() throws InterruptedException {
        try (FaultyRelay silent = new FaultyRelay(server.port());
             LlmServiceProxy proxy = proxy(silent.baseUrl()).requestTimeout(Duration.ofSeconds(60)).build()) {
            silent.blackHole(true);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    proxy.serve(TINY, MiniHub.REF, ProgressListener.NONE);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            Thread.sleep(300);
            long t0 = System.nanoTime();
            caller.interrupt();
            caller.join(SOON);
            assertThat(caller.isAlive()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
            assertThat(failure.get()).isInstanceOfSatisfying(LlmException.class,
                    e -> assertThat(e.kind()).isEqualTo(Kind.CANCELLED));
        }
    }

    static List<String> texts(ChatCompletionStream stream) {
        List<String> out = new ArrayList<>();
        try (stream) {
            stream.forEach(c -> out.add(c.text()));
        }
        return out;
    }
}
