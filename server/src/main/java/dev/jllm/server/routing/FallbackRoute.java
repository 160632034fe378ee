package dev.jllm.server.routing;

import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.Responses;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.List;
import java.util.regex.Pattern;

/** What no route took: 405 for a known path with another method, else 404, both in OpenAI's shape. */
public final class FallbackRoute implements Handler {

    private final List<Pattern> knownPaths;

    public FallbackRoute(List<String> knownPathRegexes) {
        this.knownPaths = knownPathRegexes.stream().map(Pattern::compile).toList();
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        String path = req.path().path();
        String method = req.prologue().method().text();
        boolean known = knownPaths.stream().anyMatch(p -> p.matcher(path).matches());
        String message = "Invalid URL (" + method + " " + path + ")";
        Responses.error(res, new ApiError(known ? 405 : 404, ApiError.INVALID_REQUEST, message, null, null, null));
    }
}
