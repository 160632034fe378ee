package dev.jllm.tests.behaviour;

import dev.jllm.tests.support.Closeables;
import dev.jllm.tests.support.ServerProcess;
import dev.jllm.api.CurrentModel;
import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.LlmService;
import dev.jllm.api.Subscription;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.Model;
import dev.jllm.proxy.LlmServiceProxy;
import dev.jllm.tests.support.FakeUpstream;
import dev.jllm.tests.support.Jobs;
import dev.jllm.models.testing.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour suite against {@link LlmServiceProxy} talking to a {@code jllm serve} process (one per class),
 * whose model store pulls from the {@link MiniHub}; plus what only a shared server has: other clients, whose
 * instances and current-model changes this proxy sees.
 */
class ProxyModeBehaviourTest extends LlmServiceBehaviour {

    @TempDir
    static Path home;
    static Path model;
    static MiniHub hub;
    static ServerProcess server;
    static LlmServiceProxy proxy;

    @BeforeAll
    static void start() {
        model = TestData.stories260k();
        hub = new MiniHub(model);
        server = ServerProcess.start(home.resolve("server-home"), Map.of("HF_ENDPOINT", hub.endpoint()), 0);
        proxy = LlmServiceProxy.connect(server.baseUrl());
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(proxy, server, hub);
    }

    @Override
    LlmService service() {
        return proxy;
    }

    @Override
    String mode() {
        return "proxy";
    }

    /** The proxy's clear() leaves other clients' instances: the server's instance.clear job takes them all. */
    @Override
    void clearAll() {
        proxy.clear();
        Jobs jobs = new Jobs(server.http());
        try {
            assertThat(jobs.await(jobs.submit("instance.clear", "{}").getString("id"), Duration.ofSeconds(30))
                    .getString("status")).isEqualTo("succeeded");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    MiniHub hub() {
        return hub;
    }


    // ------------------------------------------------------------------ other clients of the same server

    private static final Duration SOON = Duration.ofSeconds(10);

    @Test
    void currentModelChangesMadeByAnotherClientReachTheListeners() throws InterruptedException {
        proxy.create(TINY, tiny());
        List<String> heard = new CopyOnWriteArrayList<>();
        Subscription sub = proxy.onCurrentModelChange((p, c) -> heard.add(describe(p) + " -> " + describe(c)));
        try (LlmServiceProxy other = LlmServiceProxy.connect(server.baseUrl())) {
            CurrentModel set = other.setCurrentModel(path(), null, TINY);
            Waiting.until(() -> heard.size() == 1, SOON, heard::toString);
            assertThat(heard).containsExactly("none -> " + TINY);
            assertThat(proxy.currentModel()).contains(set);

            other.clearCurrentModel();
            Waiting.until(() -> heard.size() == 2, SOON, heard::toString);
            assertThat(heard).containsExactly("none -> " + TINY, TINY + " -> none");
        } finally {
            sub.close();
        }
    }

    @Test
    void aChangeMadeElsewhereReplacesAModelOfAnInProxyInstance() throws InterruptedException {
        try (FakeUpstream upstream = new FakeUpstream();
             LlmServiceProxy other = LlmServiceProxy.connect(server.baseUrl())) {
            proxy.create(TINY, tiny());
            proxy.create("remote", LlmConfig.fromMap(LlmConfig.OPENAI, Map.of("base_url", upstream.baseUrl(),
                    "api_key", "k")));
            other.setCurrentModel(path(), null, TINY);
            List<String> heard = new CopyOnWriteArrayList<>();
            Subscription sub = proxy.onCurrentModelChange((p, c) -> heard.add(describe(p) + " -> " + describe(c)));
            try {
                proxy.setCurrentModel(FakeUpstream.MODEL, null, "remote");
                assertThat(heard).containsExactly(TINY + " -> remote");
                // The server cannot serve an in-proxy model: its own current model was cleared.
                assertThat(other.currentModel()).isEmpty();
                assertThat(other.list()).containsExactly(TINY);

                other.setCurrentModel(path(), null, TINY);
                Waiting.until(() -> heard.size() == 2, SOON, heard::toString);
                assertThat(heard).containsExactly(TINY + " -> remote", "remote -> " + TINY);
                assertThat(proxy.currentModel().orElseThrow().serviceName()).isEqualTo(TINY);
                ChatCompletionRequest req = ask(null, "Once", 8);
                assertThat(proxy.chatCompletion(req).choices().getFirst().message().text())
                        .isEqualTo(ReferenceEngine.text(model, req.withModel(path())));
            } finally {
                sub.close();
            }
        }
    }

    @Test
    void instancesCreatedByAnotherClientAreUsedThroughForwardingHandles() {
        try (LlmServiceProxy other = LlmServiceProxy.connect(server.baseUrl())) {
            other.create("shared", tiny());
            assertThat(proxy.list()).containsExactly("shared");
            Llm handle = proxy.get("shared");
            assertThat(handle.type()).isEqualTo(LlmConfig.LOCAL);
            assertKind(handle::config, Kind.NOT_SUPPORTED); // the server does not tell another client's config
            ChatCompletionRequest req = ask(path(), "A bird", 6);
            assertThat(handle.chatCompletion(req).choices().getFirst().message().text())
                    .isEqualTo(ReferenceEngine.text(model, req));
            assertThat(handle.isReady()).isTrue();

            handle.close(); // a handle, not the instance
            assertKind(handle::models, Kind.UNAVAILABLE);
            assertThat(loaded(proxy.models("shared"))).extracting(Model::id).containsExactly(path());
            assertThat(other.remove("shared")).isTrue();
            assertThat(proxy.has("shared")).isFalse();
        }
    }

    // ------------------------------------------------------------------ footprint

    /** A program using the proxy the way a UI process would, with nothing of jllm but the library around. */
    private static final String BARE_PROGRAM = """
            import dev.jllm.api.LocalConfig;
            import dev.jllm.api.openai.ChatCompletionRequest;
            import dev.jllm.api.openai.ChatMessage;
            import dev.jllm.proxy.LlmServiceProxy;

            public class BareProxyMain {
                public static void main(String[] args) {
                    for (String absent : new String[] {"dev.jllm.runtime.engine.LocalLlm",
                            "dev.jllm.models.gguf.GgufFile", "dev.jllm.server.JllmServer",
                            "io.helidon.webserver.WebServer"}) {
                        try {
                            Class.forName(absent);
                            throw new AssertionError(absent + " is on the class path");
                        } catch (ClassNotFoundException expected) {
                        }
                    }
                    try (LlmServiceProxy proxy = LlmServiceProxy.connect(args[0])) {
                        proxy.create("bare", LocalConfig.of(args[1]).withThreads(1));
                        proxy.setCurrentModel(args[1], null, "bare");
                        var request = ChatCompletionRequest.builder().messages(ChatMessage.user("Once upon a time"))
                                .maxTokens(12).temperature(0.0).build();
                        try (var stream = proxy.chatCompletionStream(request)) {
                            StringBuilder text = new StringBuilder();
                            stream.forEach(c -> text.append(c.text()));
                            System.out.print("TEXT[" + text + "]");
                        }
                    }
                }
            }
            """;

    @Test
    void theLibraryWorksWithNothingButItsOwnDependencies() throws InterruptedException {
        assertThat(BareProxyJvm.classPath()).hasSize(7);
        String out = BareProxyJvm.run(home, BARE_PROGRAM, server.baseUrl(), path());
        ChatCompletionRequest req = ask(path(), "Once upon a time", 12);
        assertThat(out).contains("TEXT[" + ReferenceEngine.text(model, req) + "]");
        assertThat(proxy.list()).containsExactly("bare");
    }
}
