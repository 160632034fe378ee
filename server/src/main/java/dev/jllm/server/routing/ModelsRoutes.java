package dev.jllm.server.routing;

import dev.jllm.api.openai.ModelList;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ApiException;
import dev.jllm.server.openai.OpenAiWire;
import dev.jllm.server.openai.Responses;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}} (ids may hold '/', so the rest of the path is the id). */
public final class ModelsRoutes {

    static final String PREFIX = "/v1/models/";

    private final ModelRouter router;

    public ModelsRoutes(ModelRouter router) {
        this.router = router;
    }

    public void list(ServerRequest req, ServerResponse res) {
        Responses.json(res, 200, OpenAiWire.toValue(ModelList.of(router.list())).toString());
    }

    public void one(ServerRequest req, ServerResponse res) {
        String raw = req.path().rawPath();
        // A path keeps "+" literal; only %-escapes are decoded.
        String id = URLDecoder.decode(raw.substring(Math.min(raw.length(), PREFIX.length())).replace("+", "%2B"),
                StandardCharsets.UTF_8);
        if (id.isEmpty()) {
            throw new ApiException(ApiError.modelNotFound(id));
        }
        Responses.json(res, 200, OpenAiWire.toValue(router.find(id)).toString());
    }
}
