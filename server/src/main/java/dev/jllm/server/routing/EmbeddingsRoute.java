package dev.jllm.server.routing;

import dev.jllm.api.openai.Embedding;
import dev.jllm.api.openai.EmbeddingRequest;
import dev.jllm.api.openai.EmbeddingResponse;
import dev.jllm.server.http.RequestBodies;
import dev.jllm.server.openai.ApiException;
import dev.jllm.server.openai.JsonFields;
import dev.jllm.server.openai.Responses;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /v1/embeddings}: one or several texts embedded together by the instance serving the model; floats
 * or base64 (little-endian float32, as OpenAI encodes them). Token-array inputs are refused by name.
 */
public final class EmbeddingsRoute implements Handler {

    /** More inputs in one request than this are refused: each is a forward pass. */
    static final int MAX_INPUTS = 2048;

    private final ServerContext ctx;

    public EmbeddingsRoute(ServerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Readiness503.check(ctx.readiness());
        JsonFields f = JsonFields.of(RequestBodies.jsonObject(req, ctx.config().maxBodyBytes()));
        f.allowOnly(Set.of("model", "input", "encoding_format", "dimensions", "user"));
        String model = f.requiredString("model");
        List<String> input = inputs(f);
        String format = f.oneOf("encoding_format", Set.of("float", "base64"));
        Integer dimensions = f.integer("dimensions", 1, 1 << 20);
        f.string("user");
        ModelRouter.Target target = ctx.router().resolve(model);
        EmbeddingResponse r = ctx.service().embeddings(target.instance(),
                new EmbeddingRequest(target.modelId(), input, "float", dimensions, null));
        Responses.json(res, 200, wire(r, model, "base64".equals(format)).toString());
    }

    private static List<String> inputs(JsonFields f) {
        JsonValue v = f.value("input");
        if (v == null || v == JsonValue.NULL) {
            throw ApiException.invalid("'input' is required: a string or an array of strings", "input");
        }
        if (v instanceof JsonString s) {
            return List.of(s.getString());
        }
        if (!(v instanceof JsonArray a) || a.isEmpty()) {
            throw ApiException.invalid("'input' must be a string or a non-empty array of strings", "input");
        }
        if (a.size() > MAX_INPUTS) {
            throw ApiException.invalid("'input' has " + a.size() + " entries; at most " + MAX_INPUTS
                    + " per request", "input");
        }
        List<String> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            if (!(a.get(i) instanceof JsonString s)) {
                throw ApiException.invalid("'input[" + i + "]' is not a string; token-array inputs are not"
                        + " supported: send the text", "input");
            }
            out.add(s.getString());
        }
        return out;
    }

    /** The OpenAI answer, naming the model as the client did. */
    static JsonObject wire(EmbeddingResponse r, String model, boolean base64) {
        JsonArrayBuilder data = Json.createArrayBuilder();
        for (Embedding e : r.data()) {
            var item = Json.createObjectBuilder().add("object", "embedding").add("index", e.index());
            if (base64) {
                ByteBuffer b = ByteBuffer.allocate(e.embedding().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                for (float x : e.embedding()) {
                    b.putFloat(x);
                }
                item.add("embedding", Base64.getEncoder().encodeToString(b.array()));
            } else {
                JsonArrayBuilder values = Json.createArrayBuilder();
                for (float x : e.embedding()) {
                    values.add((double) x);
                }
                item.add("embedding", values);
            }
            data.add(item);
        }
        int prompt = r.usage() == null ? 0 : r.usage().promptTokens();
        return Json.createObjectBuilder().add("object", "list").add("data", data).add("model", model)
                .add("usage", Json.createObjectBuilder().add("prompt_tokens", prompt).add("total_tokens", prompt))
                .build();
    }
}
