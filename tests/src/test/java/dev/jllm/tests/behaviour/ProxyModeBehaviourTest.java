package dev.jllm.tests.behaviour;

import dev.jllm.api.LlmService;
import dev.jllm.proxy.LlmServiceProxy;
import dev.jllm.tests.support.TestData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

/**
 * The behaviour suite against {@link LlmServiceProxy} talking to a {@code jllm serve} process (one per class),
 * whose model store pulls from the {@link MiniHub}.
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
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Override
    LlmService service() {
        return proxy;
    }

    @Override
    String mode() {
        return "proxy";
    }

    @Override
    MiniHub hub() {
        return hub;
    }

    @Override
    Path model() {
        return model;
    }
}
