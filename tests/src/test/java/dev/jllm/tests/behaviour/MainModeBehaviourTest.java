package dev.jllm.tests.behaviour;

import dev.jllm.tests.support.Closeables;
import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmProviderFactory;
import dev.jllm.api.LlmService;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.Providers;
import dev.jllm.models.hf.HubClient;
import dev.jllm.models.hf.HubConfig;
import dev.jllm.models.store.ModelStore;
import dev.jllm.models.testing.TestData;
import dev.jllm.providers.LlmServiceMain;
import dev.jllm.runtime.engine.LocalLlm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The behaviour suite against {@link LlmServiceMain} in this JVM. Its {@code local} instances pull from the
 * {@link MiniHub} into a model store in a temporary jllm home, as a server started with {@code HF_ENDPOINT} and
 * {@code JLLM_HOME} pointing there does.
 */
class MainModeBehaviourTest extends LlmServiceBehaviour {

    @TempDir
    static Path home;
    private static Path model;
    private static MiniHub hub;
    private static LlmServiceMain service;

    @BeforeAll
    static void start() {
        model = TestData.stories260k();
        hub = new MiniHub(model);
        ModelStore store = new ModelStore(home.resolve("models"), new HubClient(HubConfig.of(
                URI.create(hub.endpoint()), null)), name -> false);
        List<LlmProviderFactory> factories = new ArrayList<>();
        factories.add(new LlmProviderFactory() {
            @Override
            public String type() {
                return LlmConfig.LOCAL;
            }

            @Override
            public Llm create(String name, LlmConfig config) {
                return new LocalLlm(name, (LocalConfig) config, store);
            }
        });
        ServiceLoader.load(LlmProviderFactory.class).forEach(f -> {
            if (!f.type().equals(LlmConfig.LOCAL)) {
                factories.add(f);
            }
        });
        service = new LlmServiceMain(home, Providers.of(factories));
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(service, hub);
    }

    @Override
    LlmService service() {
        return service;
    }

    @Override
    String mode() {
        return "main";
    }

    @Override
    MiniHub hub() {
        return hub;
    }
}
