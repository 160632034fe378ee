package dev.jllm.api;

import java.util.Map;

/** An instance backed by OpenAI's API (or any server that wants a key and speaks it). The key is required. */
public record OpenAiConfig(String apiKey, String baseUrl, HttpTimeouts timeouts) implements HttpLlmConfig {

    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

    public OpenAiConfig {
        apiKey = HttpConfigs.blankToNull(apiKey);
        if (apiKey == null) {
            throw LlmException.invalid("openai instances need an api_key");
        }
        baseUrl = HttpConfigs.normalizeBaseUrl(baseUrl, DEFAULT_BASE_URL);
        timeouts = timeouts == null ? HttpTimeouts.DEFAULTS : timeouts;
    }

    public static OpenAiConfig of(String apiKey) {
        return new OpenAiConfig(apiKey, null, null);
    }

    public OpenAiConfig withBaseUrl(String url) {
        return new OpenAiConfig(apiKey, url, timeouts);
    }

    public OpenAiConfig withTimeouts(HttpTimeouts t) {
        return new OpenAiConfig(apiKey, baseUrl, t);
    }

    @Override
    public String type() {
        return OPENAI;
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
