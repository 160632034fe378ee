package dev.jllm.server.routing;

import dev.jllm.server.admission.Readiness;
import dev.jllm.server.openai.Responses;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;

/**
 * {@code GET /health}: 200 {@code {"status":"ok"}} once the start-up models are loaded; 503 with
 * {@code "loading"} (and what is still loading) before, or {@code "error"} (and why) if one failed. Open without
 * an API key, for load balancers and orchestrators.
 */
public final class HealthRoute implements Handler {

    private final Readiness readiness;

    public HealthRoute(Readiness readiness) {
        this.readiness = readiness;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Readiness.Snapshot s = readiness.snapshot();
        JsonObjectBuilder b = Json.createObjectBuilder();
        int status;
        switch (s.state()) {
            case READY -> {
                b.add("status", "ok");
                status = 200;
            }
            case LOADING -> {
                JsonArrayBuilder names = Json.createArrayBuilder();
                s.loading().forEach(names::add);
                b.add("status", "loading").add("loading", names);
                status = 503;
                res.header(HeaderNames.RETRY_AFTER, "1");
            }
            default -> {
                b.add("status", "error").add("message", s.error());
                status = 503;
            }
        }
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Responses.json(res, status, b.build().toString());
    }
}
