package dev.jllm.api;

/** An instance backed by OpenAI's API (or any server that wants a key and speaks it). The key is required. */
public record OpenAiConfig(String apiKey, String baseUrl, HttpTimeouts timeouts)
        implements HttpLlmConfig, HttpConfigCopies<OpenAiConfig> {

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

    @Override
    public OpenAiConfig rebuild(String baseUrl, String apiKey, HttpTimeouts timeouts) {
        return new OpenAiConfig(apiKey, baseUrl, timeouts);
    }

    @Override
    public String type() {
        return OPENAI;
    }

    @Override
    public String toString() {
        return HttpConfigs.describe(this);
    }
}
