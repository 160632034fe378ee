package dev.jllm.tests.behaviour;

import dev.jllm.tests.support.ServerProcess;
import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.Subscription;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.proxy.LlmServiceProxy;
import dev.jllm.tests.support.FakeUpstream;
import dev.jllm.tests.support.Jobs;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.jllm.tests.behaviour.LlmServiceBehaviour.ask;
import static dev.jllm.tests.behaviour.LlmServiceBehaviour.assertKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The server going away under a running call: killed, the call fails with UNAVAILABLE once the reconnect window
 * is over; killed and started again on the same address, the call fails at once with UNAVAILABLE since the new
 * server does not know the job, and the proxy itself carries on with the new server (calls and current-model
 * events). Needs no model: the running call streams from a slow fake upstream through a server-side instance.
 */
@Timeout(180)
class ServerRestartTest {

    private static final String UPSTREAM = "upstream";

    @TempDir
    Path home;
    FakeUpstream upstream;
    ServerProcess server;

    @BeforeEach
    void start() {
        upstream = new FakeUpstream();
        server = startServer(0);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        upstream.close();
    }

    private ServerProcess startServer(int port) {
        ServerProcess s = ServerProcess.start(home.resolve("server-home"), Map.of(), port);
        Jobs jobs = new Jobs(s.http());
        if (s.http().get("/v1/models").body().contains("\"" + UPSTREAM + "\"")) {
            return s; // a restart: the instance was saved and is back
        }
        JsonObject job = jobs.submit("instance.create", "{\"name\":\"" + UPSTREAM + "\",\"type\":\"openai\","
                + "\"config\":{\"base_url\":\"" + upstream.baseUrl() + "\",\"api_key\":\"k\"}}");
        try {
            assertThat(jobs.await(job.getString("id"), Duration.ofSeconds(10)).getString("status"))
                    .isEqualTo("succeeded");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return s;
    }

    private static Iterator<ChatCompletionChunk> slowStream(LlmServiceProxy proxy) {
        ChatCompletionStream stream = proxy.chatCompletionStream(UPSTREAM, ask(FakeUpstream.MODEL,
                "[slow] a long story", 300));
        Iterator<ChatCompletionChunk> it = stream.iterator();
        assertThat(it.next().text()).isEqualTo(FakeUpstream.STORY.get(0));
        return it;
    }

    @Test
    void aKilledServerFailsTheRunningCallWithUnavailableOnceTheReconnectWindowIsOver() {
        Duration window = Duration.ofSeconds(2);
        try (LlmServiceProxy proxy = LlmServiceProxy.builder(server.baseUrl()).reconnectWindow(window).build()) {
            Iterator<ChatCompletionChunk> it = slowStream(proxy);
            server.kill();
            long t0 = System.nanoTime();

            assertThatThrownBy(() -> it.forEachRemaining(c -> { })).isInstanceOfSatisfying(LlmException.class,
                    e -> {
                        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("could not resume").contains(server.baseUrl());
                    });
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(took).isGreaterThanOrEqualTo(window).isLessThan(window.plusSeconds(5));
            assertKind(proxy::list, Kind.UNAVAILABLE);
        }
    }

    @Test
    void aRestartedServerThatLostTheJobFailsTheCallAndTheProxyCarriesOn() throws InterruptedException {
        try (LlmServiceProxy proxy = LlmServiceProxy.builder(server.baseUrl())
                .reconnectWindow(Duration.ofSeconds(90)).build()) {
            List<String> heard = new CopyOnWriteArrayList<>();
            Subscription sub = proxy.onCurrentModelChange((p, c) -> heard.add(LlmServiceBehaviour.describe(c)));
            Iterator<ChatCompletionChunk> it = slowStream(proxy);
            int port = server.port();
            server.kill();
            server = startServer(port);

            assertThatThrownBy(() -> it.forEachRemaining(c -> { })).isInstanceOfSatisfying(LlmException.class,
                    e -> {
                        assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                        assertThat(e.getMessage()).contains("no longer knows job").contains("restarted");
                    });

            // The same proxy works with the new server, and follows its current model.
            proxy.create("after", LocalConfig.defaults().withThreads(1));
            assertThat(proxy.list()).containsExactly("after", UPSTREAM);
            try (LlmServiceProxy other = LlmServiceProxy.connect(server.baseUrl())) {
                other.setCurrentModel(FakeUpstream.MODEL, null, UPSTREAM);
            }
            Waiting.until(() -> heard.contains(UPSTREAM), Duration.ofSeconds(15), heard::toString);
            sub.close();
        }
    }
}
