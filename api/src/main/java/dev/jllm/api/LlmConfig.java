package dev.jllm.api;

import java.util.Map;

/**
 * The configuration of one instance. Each type of instance has its own record; {@link #type()} is the type string
 * used on the command line, in the server's API and by the provider SPI. The types this module knows are listed
 * here; a type added by another module through the provider SPI (e.g. "jlama") has an {@link EngineConfig}.
 */
public sealed interface LlmConfig permits HttpLlmConfig, LocalConfig, EngineConfig {

    String OPENAI = "openai";
    String OLLAMA = "ollama";
    String LMSTUDIO = "lmstudio";
    String LOCAL = "local";

    /** "openai", "ollama", "lmstudio", "local" or the type of a provider registered through the SPI. */
    String type();

    /**
     * The options of this config as strings, keyed as {@link #fromMap} reads them; {@code fromMap(type(), toMap())}
     * gives back an equal config. Holds secrets (api_key): do not log it.
     */
    Map<String, String> toMap();

    /**
     * Builds a config from its type and string options, as given on a command line or in a JSON object. Keys are
     * snake_case: {@code base_url, api_key, connect_timeout, request_timeout, idle_timeout} for the HTTP types;
     * {@code model, threads, context_size, batch_size, parallel, kv_type} for local (other keys go to
     * {@link LocalConfig#options()}). Durations read "30s", "500ms", "2m", "1h", ISO-8601 ("PT30S") or plain
     * seconds. Any other type is read by the {@link dev.jllm.api.LlmProviderFactory} registered for it
     * ({@link dev.jllm.api.LlmProviderFactory#config}), so a type exists exactly where its module is on the
     * class path.
     *
     * @throws LlmException INVALID_REQUEST for an unknown type (none registered), an unknown key, a missing required
     *                      key or a bad value
     */
    static LlmConfig fromMap(String type, Map<String, String> options) {
        return ConfigOptions.parse(type, options);
    }
}
