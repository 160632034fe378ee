package dev.jllm.api;

import java.util.Map;

/** What every configuration of a remote OpenAI-compatible server has. */
public sealed interface HttpLlmConfig extends LlmConfig permits OpenAiConfig, OllamaConfig, LmStudioConfig {

    /** The base URL of the OpenAI-compatible API, ending in "/v1" as a rule, without a trailing slash. */
    String baseUrl();

    /** The API key sent as a bearer token, or null for none. */
    String apiKey();

    HttpTimeouts timeouts();

    @Override
    default Map<String, String> toMap() {
        return HttpConfigs.toMap(this);
    }
}
