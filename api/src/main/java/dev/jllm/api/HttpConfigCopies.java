package dev.jllm.api;

/**
 * The copy-with-one-change methods the HTTP config records share. Each record says only how to rebuild itself
 * from the three components (its canonical constructor), so the validation there runs on every copy.
 *
 * @param <C> the record type the copies have
 */
public interface HttpConfigCopies<C extends HttpLlmConfig> {

    String baseUrl();

    String apiKey();

    HttpTimeouts timeouts();

    /** A config of this record's type with these components (validated as a new one is). */
    C rebuild(String baseUrl, String apiKey, HttpTimeouts timeouts);

    default C withBaseUrl(String url) {
        return rebuild(url, apiKey(), timeouts());
    }

    default C withApiKey(String key) {
        return rebuild(baseUrl(), key, timeouts());
    }

    default C withTimeouts(HttpTimeouts t) {
        return rebuild(baseUrl(), apiKey(), t);
    }
}
