package dev.jllm.api;

/**
 * An instance backed by an Ollama server. Chat goes through its OpenAI-compatible endpoint ({@code .../v1});
 * pulling, unloading and deleting models use its native API at the same host.
 */
public record OllamaConfig(String baseUrl, String apiKey, HttpTimeouts timeouts)
        implements HttpLlmConfig, HttpConfigCopies<OllamaConfig> {

    public static final String DEFAULT_BASE_URL = "http://localhost:11434/v1";

    public OllamaConfig {
        baseUrl = HttpConfigs.normalizeBaseUrl(baseUrl, DEFAULT_BASE_URL);
        apiKey = HttpConfigs.blankToNull(apiKey);
        timeouts = timeouts == null ? HttpTimeouts.DEFAULTS : timeouts;
    }

    public static OllamaConfig defaults() {
        return new OllamaConfig(null, null, null);
    }

    public static OllamaConfig of(String baseUrl) {
        return new OllamaConfig(baseUrl, null, null);
    }

    @Override
    public OllamaConfig rebuild(String baseUrl, String apiKey, HttpTimeouts timeouts) {
        return new OllamaConfig(baseUrl, apiKey, timeouts);
    }

    @Override
    public String type() {
        return OLLAMA;
    }

    @Override
    public String toString() {
        return HttpConfigs.describe(this);
    }
}
