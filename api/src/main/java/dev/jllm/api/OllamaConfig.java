package dev.jllm.api;

import java.util.Map;

/**
 * An instance backed by an Ollama server. Chat goes through its OpenAI-compatible endpoint ({@code .../v1});
 * pulling, unloading and deleting models use its native API at the same host.
 */
public record OllamaConfig(String baseUrl, String apiKey, HttpTimeouts timeouts) implements HttpLlmConfig {

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

    public OllamaConfig withApiKey(String key) {
        return new OllamaConfig(baseUrl, key, timeouts);
    }

    public OllamaConfig withTimeouts(HttpTimeouts t) {
        return new OllamaConfig(baseUrl, apiKey, t);
    }

    @Override
    public String type() {
        return OLLAMA;
    }

    @Override
    public Map<String, String> toMap() {
        return HttpConfigs.toMap(this);
    }

    @Override
    public String toString() {
        return HttpConfigs.describe(this);
    }
}
