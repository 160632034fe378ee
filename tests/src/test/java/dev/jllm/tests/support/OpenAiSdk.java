package dev.jllm.tests.support;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;

/** The official OpenAI Java SDK pointed at a test server, as the SDK tests use it: no retries to hide failures. */
public final class OpenAiSdk {

    private OpenAiSdk() { }

    /** @param apiKey the server's key, or null when it has none (the SDK insists on some key) */
    public static OpenAIClient client(String baseUrl, String apiKey) {
        return OpenAIOkHttpClient.builder().baseUrl(baseUrl + "/v1").apiKey(apiKey == null ? "none" : apiKey)
                .maxRetries(0).build();
    }

    /** Closes a client (null: nothing to close), for {@link Closeables#closeAll}. */
    public static AutoCloseable closing(OpenAIClient client) {
        return client == null ? null : client::close;
    }
}
