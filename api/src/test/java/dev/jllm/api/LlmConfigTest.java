package dev.jllm.api;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LlmConfigTest {

    @Test
    void httpConfigsHaveTheirDefaults() {
        assertThat(OpenAiConfig.of("sk-1").baseUrl()).isEqualTo("https://api.openai.com/v1");
        assertThat(OllamaConfig.defaults().baseUrl()).isEqualTo("http://localhost:11434/v1");
        assertThat(LmStudioConfig.defaults().baseUrl()).isEqualTo("http://localhost:1234/v1");
        assertThat(OllamaConfig.defaults().apiKey()).isNull();
        assertThat(OllamaConfig.of("http://h:1/v1/").baseUrl()).isEqualTo("http://h:1/v1");
        assertThat(OpenAiConfig.of("k").type()).isEqualTo("openai");
        assertThat(OllamaConfig.defaults().type()).isEqualTo("ollama");
        assertThat(LmStudioConfig.defaults().type()).isEqualTo("lmstudio");
        assertThat(LocalConfig.defaults().type()).isEqualTo("local");
        assertThat(OpenAiConfig.of("k").timeouts()).isEqualTo(HttpTimeouts.DEFAULTS);
    }

    @Test
    void theApiKeyNeverShowsInToString() {
        assertThat(OpenAiConfig.of("sk-secret").toString()).doesNotContain("sk-secret").contains("***");
    }

    @Test
    void badValuesAreRejectedClearly() {
        assertThatThrownBy(() -> new OpenAiConfig(" ", null, null)).isInstanceOf(LlmException.class)
                .hasMessageContaining("api_key");
        assertThatThrownBy(() -> OllamaConfig.of("ftp://x")).hasMessageContaining("http or https");
        assertThatThrownBy(() -> OllamaConfig.of("not a url")).hasMessageContaining("base_url");
        assertThatThrownBy(() -> LocalConfig.defaults().withParallel(0)).hasMessageContaining("parallel");
        assertThatThrownBy(() -> LocalConfig.defaults().withThreads(-1)).hasMessageContaining("threads");
        assertThatThrownBy(() -> HttpTimeouts.DEFAULTS.withIdle(Duration.ZERO)).hasMessageContaining("idle");
    }

    @Test
    void buildsConfigsFromStringOptions() {
        LlmConfig c = LlmConfig.fromMap("OpenAI", Map.of("api_key", "k", "base_url", "http://h:9/v1",
                "connect_timeout", "500ms", "request_timeout", "2m", "idle_timeout", "PT30S"));
        assertThat(c).isEqualTo(new OpenAiConfig("k", "http://h:9/v1",
                new HttpTimeouts(Duration.ofMillis(500), Duration.ofMinutes(2), Duration.ofSeconds(30))));
        assertThat(LlmConfig.fromMap("ollama", Map.of())).isEqualTo(OllamaConfig.defaults());
        assertThat(LlmConfig.fromMap("lmstudio", Map.of("idle_timeout", "7"))).isEqualTo(
                LmStudioConfig.defaults().withTimeouts(HttpTimeouts.DEFAULTS.withIdle(Duration.ofSeconds(7))));
        LlmConfig local = LlmConfig.fromMap("local", Map.of("model", "/m/x.gguf", "threads", "3",
                "context_size", "2048", "batch_size", "64", "parallel", "2", "kv_type", "f16", "flash", "on"));
        assertThat(local).isEqualTo(LocalConfig.of("/m/x.gguf").withThreads(3).withContextSize(2048)
                .withBatchSize(64).withParallel(2).withKvType("f16").withOption("flash", "on"));
    }

    @Test
    void toMapAndFromMapAreInverse() {
        for (LlmConfig c : new LlmConfig[] {
                OpenAiConfig.of("k").withBaseUrl("https://x.example/v1"),
                OllamaConfig.defaults().withApiKey("a"),
                LmStudioConfig.defaults(),
                LocalConfig.defaults(),
                LocalConfig.of("hf:org/repo/f.gguf").withThreads(2).withOption("x", "y")}) {
            assertThat(LlmConfig.fromMap(c.type(), c.toMap())).as(c.type()).isEqualTo(c);
        }
    }

    @Test
    void fromMapNamesWhatIsWrong() {
        assertThatThrownBy(() -> LlmConfig.fromMap("bogus", Map.of())).isInstanceOf(LlmException.class)
                .hasMessageContaining("unknown instance type 'bogus'").hasMessageContaining("openai, ollama");
        assertThatThrownBy(() -> LlmConfig.fromMap("openai", Map.of()))
                .hasMessageContaining("openai instances need the option 'api_key'");
        assertThatThrownBy(() -> LlmConfig.fromMap("ollama", Map.of("baseurl", "x")))
                .hasMessageContaining("unknown option 'baseurl' for ollama instances");
        assertThatThrownBy(() -> LlmConfig.fromMap("ollama", Map.of("idle_timeout", "soon")))
                .hasMessageContaining("idle_timeout");
        assertThatThrownBy(() -> LlmConfig.fromMap("local", Map.of("threads", "many")))
                .hasMessageContaining("'threads' must be an integer");
        assertThatThrownBy(() -> LlmConfig.fromMap(null, Map.of())).hasMessageContaining("type is missing");
        assertThat(catchKind(() -> LlmConfig.fromMap("x", Map.of()))).isEqualTo(LlmException.Kind.INVALID_REQUEST);
    }

    private static LlmException.Kind catchKind(Runnable r) {
        try {
            r.run();
        } catch (LlmException e) {
            return e.kind();
        }
        return null;
    }
}
