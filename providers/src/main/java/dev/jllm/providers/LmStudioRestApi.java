package dev.jllm.providers;

import dev.jllm.api.LlmException;
import dev.jllm.api.ProgressEvent;
import dev.jllm.api.ProgressListener;
import dev.jllm.providers.http.HttpErrors;
import dev.jllm.providers.http.HttpTransport;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * LM Studio's own REST API (0.4 and later, {@code /api/v1/models...}) for what the OpenAI API lacks: load a model
 * ({@code POST /api/v1/models/load}), unload its instances ({@code POST /api/v1/models/unload} with the
 * {@code instance_id}s that {@code GET /api/v1/models} lists under {@code loaded_instances}). LM Studio deletes
 * models only from its own UI or CLI, so delete stays NOT_SUPPORTED. An older LM Studio without these routes
 * answers 404, reported as NOT_SUPPORTED naming the version needed.
 */
record LmStudioRestApi(HttpTransport http, String root) implements ModelAdmin {

    @Override
    public void serve(String model, ProgressListener progress) {
        requireModel(model);
        progress.onProgress(ProgressEvent.of("loading", "LM Studio is loading " + model));
        JsonObject answer = post("/api/v1/models/load", Json.createObjectBuilder().add("model", model).build());
        String seconds = answer.get("load_time_seconds") instanceof JsonNumber n ? " in " + n + " s" : "";
        progress.onProgress(new ProgressEvent("done", model + " is loaded by LM Studio" + seconds, 0, 0, 100));
    }

    @Override
    public void unload(String model) {
        requireModel(model);
        List<String> instances = instancesOf(model);
        if (instances.isEmpty()) {
            throw LlmException.notFound("model '" + model + "' is not loaded in LM Studio");
        }
        for (String id : instances) {
            post("/api/v1/models/unload", Json.createObjectBuilder().add("instance_id", id).build());
        }
    }

    @Override
    public void delete(String model) {
        throw LlmException.notSupported("LM Studio deletes models only from its app or the lms CLI, not over its"
                + " API");
    }

    @Override
    public List<String> loadedModels() {
        try {
            List<String> keys = new ArrayList<>();
            for (JsonObject m : models()) {
                if (m.get("loaded_instances") instanceof JsonArray a && !a.isEmpty()
                        && m.get("key") instanceof JsonString k) {
                    keys.add(k.getString());
                }
            }
            return keys;
        } catch (LlmException e) {
            return List.of(); // informational only
        }
    }

    /** The ids of the loaded instances of {@code model} (an instance id may differ from the key, e.g. "key:2"). */
    private List<String> instancesOf(String model) {
        List<String> ids = new ArrayList<>();
        for (JsonObject m : models()) {
            boolean same = m.get("key") instanceof JsonString k && k.getString().equals(model);
            if (m.get("loaded_instances") instanceof JsonArray a) {
                for (JsonValue v : a) {
                    if (v instanceof JsonObject i && i.get("id") instanceof JsonString id
                            && (same || id.getString().equals(model))) {
                        ids.add(id.getString());
                    }
                }
            }
        }
        return ids;
    }

    private List<JsonObject> models() {
        URI uri = URI.create(root + "/api/v1/models");
        HttpRequest request = http.request(uri, http.timeouts().request(), "application/json").GET().build();
        JsonObject o = parse(read(request), uri);
        List<JsonObject> out = new ArrayList<>();
        if (o.get("models") instanceof JsonArray a) {
            for (JsonValue v : a) {
                if (v instanceof JsonObject m) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    private JsonObject post(String path, JsonObject body) {
        URI uri = URI.create(root + path);
        HttpRequest request = http.request(uri, http.timeouts().request(), "application/json")
                .header("Content-Type", "application/json")
                .POST(HttpTransport.json(body.toString()))
                .build();
        return parse(read(request), uri);
    }

    private String read(HttpRequest request) {
        try {
            return http.readBody(http.send(request), http.timeouts().idle());
        } catch (LlmException e) {
            if (e.seenStatus().orElse(0) == 404) {
                throw new LlmException(LlmException.Kind.NOT_SUPPORTED, "this LM Studio has no " + request.uri()
                        .getPath() + " (model load and unload over the API need LM Studio 0.4 or later)", null, e,
                        LlmException.Origin.UPSTREAM, null);
            }
            throw e;
        }
    }

    private static JsonObject parse(String body, URI from) {
        JsonObject error = HttpErrors.errorObject(body);
        if (error != null) {
            throw HttpErrors.fromErrorJson(error, 0).withOrigin(LlmException.Origin.UPSTREAM);
        }
        try (JsonReader r = Json.createReader(new StringReader(body))) {
            return r.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new LlmException(LlmException.Kind.UPSTREAM, "malformed answer from " + from + ": "
                    + e.getMessage(), null, e, LlmException.Origin.UPSTREAM, null);
        }
    }

    private static void requireModel(String model) {
        if (model == null || model.isBlank()) {
            throw LlmException.invalid("a model name is required");
        }
    }
}
