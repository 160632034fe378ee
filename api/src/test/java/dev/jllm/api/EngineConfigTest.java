package dev.jllm.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Types registered through the provider SPI have configs that {@link LlmConfig#fromMap} reads by their factory. */
class EngineConfigTest {

    /** A type with its own record, as an engine module defines one. */
    public record ProbeConfig(String model, int threads) implements EngineConfig {
        @Override
        public String type() {
            return "probe";
        }

        @Override
        public Map<String, String> toMap() {
            return Map.of("model", model, "threads", Integer.toString(threads));
        }
    }

    public static final class ProbeFactory implements LlmProviderFactory {
        @Override
        public String type() {
            return "probe";
        }

        @Override
        public LlmConfig config(Map<String, String> options) {
            if (!options.keySet().stream().allMatch(k -> k.equals("model") || k.equals("threads"))) {
                throw LlmException.invalid("unknown option for probe instances: " + options.keySet());
            }
            return new ProbeConfig(options.get("model"), Integer.parseInt(options.getOrDefault("threads", "0")));
        }

        @Override
        public Llm create(String name, LlmConfig config) {
            throw new UnsupportedOperationException();
        }
    }

    /** A type whose factory keeps the options as they are. */
    public static final class PlainFactory implements LlmProviderFactory {
        @Override
        public String type() {
            return "plain";
        }

        @Override
        public Llm create(String name, LlmConfig config) {
            throw new UnsupportedOperationException();
        }
    }

    @TempDir
    Path dir;

    /** Runs {@code body} with the two factories registered through the thread's context class loader. */
    private <T> T withFactories(Callable<T> body) throws Exception {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(LlmProviderFactory.class.getName()),
                ProbeFactory.class.getName() + "\n" + PlainFactory.class.getName() + "\n");
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            t.setContextClassLoader(loader);
            return body.call();
        } finally {
            t.setContextClassLoader(before);
        }
    }

    @Test
    void aRegisteredTypeIsReadByItsFactoryAndRoundTrips() throws Exception {
        withFactories(() -> {
            LlmConfig c = LlmConfig.fromMap("Probe", Map.of("model", "m", "threads", "3"));
            assertThat(c).isEqualTo(new ProbeConfig("m", 3));
            assertThat(LlmConfig.fromMap(c.type(), c.toMap())).isEqualTo(c);
            assertThatThrownBy(() -> LlmConfig.fromMap("probe", Map.of("modle", "m")))
                    .isInstanceOf(LlmException.class).hasMessageContaining("modle");
            LlmConfig plain = LlmConfig.fromMap("plain", Map.of("a", "1"));
            assertThat(plain).isEqualTo(new ProviderConfig("plain", Map.of("a", "1")));
            assertThat(LlmConfig.fromMap(plain.type(), plain.toMap())).isEqualTo(plain);
            // the unknown-type message names the registered types too
            assertThatThrownBy(() -> LlmConfig.fromMap("bogus", Map.of()))
                    .hasMessageContaining("known types: openai, ollama, lmstudio, local, plain, probe");
            return null;
        });
    }

    @Test
    void withoutItsFactoryATypeIsUnknownButAProviderConfigCanStillBeMade() {
        assertThatThrownBy(() -> LlmConfig.fromMap("probe", Map.of()))
                .hasMessageContaining("unknown instance type 'probe'");
        ProviderConfig c = new ProviderConfig(" JLAMA ", Map.of("model", "x"));
        assertThat(c.type()).isEqualTo("jlama");
        assertThat(c.toMap()).containsExactly(Map.entry("model", "x"));
        assertThatThrownBy(() -> new ProviderConfig(" ", Map.of())).isInstanceOf(LlmException.class);
    }
}
