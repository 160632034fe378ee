package dev.jllm.api;

/** An instance backed by an LM Studio server (OpenAI-compatible endpoint). */
public record LmStudioConfig(String baseUrl, String apiKey, HttpTimeouts timeouts)
        implements HttpLlmConfig, HttpConfigCopies<LmStudioConfig> {

    public static final String DEFAULT_BASE_URL = "http://localhost:1234/v1";

    public LmStudioConfig {
        baseUrl = HttpConfigs.normalizeBaseUrl(baseUrl, DEFAULT_BASE_URL);
        apiKey = HttpConfigs.blankToNull(apiKey);
        timeouts = timeouts == null ? HttpTimeouts.DEFAULTS : timeouts;
    }

    public static LmStudioConfig defaults() {
        return new LmStudioConfig(null, null, null);
    }

    public static LmStudioConfig of(String baseUrl) {
        return new LmStudioConfig(baseUrl, null, null);
    }

    @Override
    public LmStudioConfig rebuild(String baseUrl, String apiKey, HttpTimeouts timeouts) {
        return new LmStudioConfig(baseUrl, apiKey, timeouts);
    }

    @Override
    public String type() {
        return LMSTUDIO;
    }

    @Override
    public String toString() {
        return HttpConfigs.describe(this);
    }
}
