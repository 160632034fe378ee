package dev.jllm.server;

import dev.jllm.server.anthropic.AnthropicErrors;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.Responses;
import dev.jllm.server.ui.ChatPage;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * With an API key configured, every request but {@code /health} and the chat page ({@code /} and its files under
 * {@code /ui/}, which hold nothing secret and ask the user for the key) must carry {@code Authorization: Bearer
 * <key>} (or, as Anthropic's SDKs send it, {@code x-api-key: <key>}); anything else is a 401 in OpenAI's words. The comparison takes the same time whatever the key sent, so
 * the key cannot be guessed byte by byte from response times.
 */
public final class AuthFilter implements Filter {

    private static final io.helidon.http.HeaderName X_API_KEY = HeaderNames.create("x-api-key");
    private final byte[] key;

    /** @param apiKey the key, or null to let every request through */
    public AuthFilter(String apiKey) {
        this.key = apiKey == null ? null : apiKey.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (key == null || path.equals("/health") || ChatPage.isPagePath(path)) {
            chain.proceed();
            return;
        }
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse(null);
        String xApiKey = req.headers().first(X_API_KEY).orElse(null);
        if ((header == null || header.isBlank()) && xApiKey != null) {
            header = "Bearer " + xApiKey; // Anthropic's SDKs send the key this way
        }
        if (header == null || header.isBlank()) {
            deny(req, res, "You didn't provide an API key. You need to provide your API key in an Authorization header"
                    + " using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
            return;
        }
        String given = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : "";
        if (!MessageDigest.isEqual(key, given.getBytes(StandardCharsets.UTF_8))) {
            deny(req, res, "Incorrect API key provided.");
            return;
        }
        chain.proceed();
    }

    private static void deny(RoutingRequest req, RoutingResponse res, String message) {
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        if (AnthropicErrors.isMessagesPath(req.path().path())) {
            AnthropicErrors.send(res, new ApiError(401, ApiError.INVALID_REQUEST, message, null, null, null));
            return;
        }
        if (req.path().path().startsWith("/api/")) {
            // Ollama's routes answer in Ollama's shape, which its clients read: {"error": "..."}
            res.status(io.helidon.http.Status.UNAUTHORIZED_401);
            res.header(HeaderNames.CONTENT_TYPE, Responses.JSON);
            res.send(jakarta.json.Json.createObjectBuilder().add("error", message).build().toString()
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        Responses.error(res, new ApiError(401, ApiError.INVALID_REQUEST, message, null, "invalid_api_key", null));
    }
}
