package dev.jllm.tests.support;

import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmProviderFactory;
import dev.jllm.api.Providers;
import dev.jllm.providers.LlmServiceMain;
import dev.jllm.server.JllmServer;
import dev.jllm.server.config.ServerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An in-JVM jllm server on a free port, in front of a {@link FakeUpstream} reached through an {@code openai}
 * instance named {@value #INSTANCE} whose {@code fake-model} is the current model. State lives in a temporary
 * jllm home, removed on close.
 */
public record TestServer(FakeUpstream upstream, Path home, JllmServer server, Http http) implements AutoCloseable {

    public static final String INSTANCE = "fake";

    public static TestServer start() {
        return start(c -> c);
    }

    /** @param tweak changes to the default test configuration (port 0 on 127.0.0.1) */
    public static TestServer start(UnaryOperator<ServerConfig> tweak) {
        return start(tweak, List.of());
    }

    /** Like {@link #start(UnaryOperator)} with more instance types than the class path offers (test doubles). */
    public static TestServer start(UnaryOperator<ServerConfig> tweak, List<LlmProviderFactory> extraTypes) {
        return start(tweak, extraTypes, true);
    }

    /** @param awaitLoaded whether to wait until the configured models are loaded (or failed) */
    public static TestServer start(UnaryOperator<ServerConfig> tweak, List<LlmProviderFactory> extraTypes,
                                   boolean awaitLoaded) {
        FakeUpstream upstream = new FakeUpstream();
        Path home;
        try {
            home = Files.createTempDirectory("jllm-home");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<LlmProviderFactory> factories = new ArrayList<>(extraTypes);
        ServiceLoader.load(LlmProviderFactory.class).forEach(f -> {
            if (factories.stream().noneMatch(x -> x.type().equals(f.type()))) {
                factories.add(f);
            }
        });
        LlmServiceMain service = new LlmServiceMain(home, Providers.of(factories));
        service.create(INSTANCE, LlmConfig.fromMap("openai", Map.of("base_url", upstream.baseUrl(),
                "api_key", "upstream-key", "idle_timeout", "30s")));
        service.setCurrentModel(FakeUpstream.MODEL, null, INSTANCE);
        ServerConfig defaults = ServerConfig.defaults().withPort(0);
        ServerConfig config = tweak.apply(defaults.withOnDemand(defaults.onDemand()
                .withModelsDirs(TestModelDirs.all())));
        JllmServer server = JllmServer.start(config, service);
        try {
            if (awaitLoaded && !server.awaitLoaded(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the server did not get ready");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new TestServer(upstream, home, server, new Http("http://127.0.0.1:" + server.port(), config.apiKey()));
    }

    public int port() {
        return server.port();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            upstream.close();
            try (Stream<Path> files = Files.walk(home)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a leftover temp dir is harmless
            }
        }
    }
}
