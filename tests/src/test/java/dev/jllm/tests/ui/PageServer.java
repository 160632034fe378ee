package dev.jllm.tests.ui;

import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmProviderFactory;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.Providers;
import dev.jllm.models.hf.HubClient;
import dev.jllm.models.hf.HubConfig;
import dev.jllm.models.store.ModelStore;
import dev.jllm.providers.LlmServiceMain;
import dev.jllm.runtime.engine.LocalLlm;
import dev.jllm.server.JllmServer;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.server.config.ServerConfig;
import dev.jllm.tests.support.Http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * {@code jllm serve --model MODEL} in this JVM on a free port, its model store in a temporary jllm home and
 * pulling from the given Hub endpoint (what {@code HF_ENDPOINT} does for the CLI; the environment of a running
 * JVM cannot be changed, so the {@code local} instance type gets its store explicitly).
 */
record PageServer(Path home, JllmServer server, String apiKey) implements AutoCloseable {

    /**
     * @param model  loaded at start as the current model (null: an empty server)
     * @param hub    the Hub the model store pulls from
     * @param apiKey the key clients must send, or null
     */
    static PageServer start(Path model, URI hub, String apiKey, int contextSize) {
        Path home;
        try {
            home = Files.createTempDirectory("jllm-ui-home");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path storeRoot = home.resolve("models");
        LlmProviderFactory local = new LlmProviderFactory() {
            @Override
            public String type() {
                return LlmConfig.LOCAL;
            }

            @Override
            public dev.jllm.api.Llm create(String name, LlmConfig config) {
                return new LocalLlm(name, (LocalConfig) config,
                        new ModelStore(storeRoot, new HubClient(HubConfig.of(hub, null)), ref -> false));
            }
        };
        List<LlmProviderFactory> factories = new ArrayList<>(List.of(local));
        ServiceLoader.load(LlmProviderFactory.class).forEach(f -> {
            if (!f.type().equals(LlmConfig.LOCAL)) {
                factories.add(f);
            }
        });
        LlmServiceMain service = new LlmServiceMain(home, Providers.of(factories));
        ServerConfig config = ServerConfig.defaults().withPort(0).withContextSize(contextSize).withApiKey(apiKey)
                .withModels(model == null ? List.of() : List.of(new ModelSpec(model.toString(), "stories260K")));
        JllmServer server = JllmServer.start(config, service);
        try {
            if (!server.awaitLoaded(Duration.ofSeconds(60))) {
                server.close();
                throw new IllegalStateException("the model did not load");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
            throw new IllegalStateException(e);
        }
        return new PageServer(home, server, apiKey);
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    Http http() {
        return new Http(baseUrl(), apiKey);
    }

    Path storeRoot() {
        return home.resolve("models");
    }

    @Override
    public void close() {
        server.close();
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary directory is harmless
        }
    }
}
