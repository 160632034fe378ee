package dev.jllm.providers;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.ProgressEvent;
import dev.jllm.api.ProgressListener;
import dev.jllm.providers.http.HttpErrors;
import dev.jllm.providers.http.HttpTransport;
import dev.jllm.providers.http.IdleWatchdog;
import dev.jllm.providers.http.WatchedInputStream;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Ollama's native model API, next to its OpenAI-compatible one: {@code /api/pull} (NDJSON progress),
 * {@code /api/delete}, and {@code /api/generate} with no prompt to load ({@code keep_alive} 0 to unload).
 *
 * @param root the server root, e.g. http://localhost:11434 (the OpenAI base URL minus "/v1")
 */
record OllamaNativeApi(HttpTransport http, String root) implements ModelAdmin {

    /** The native API root of an Ollama OpenAI-compatible base URL. */
    static String rootOf(String baseUrl) {
        return baseUrl.endsWith("/v1") ? baseUrl.substring(0, baseUrl.length() - 3) : baseUrl;
    }

    @Override
    public void serve(String model, ProgressListener progress) {
        requireModel(model);
        pull(model, progress);
        progress.onProgress(ProgressEvent.of("loading", "loading " + model));
        postJson("/api/generate", "{\"model\":" + quote(model) + "}", http.timeouts().request());
        progress.onProgress(new ProgressEvent("done", model + " is ready", 0, 0, 100));
    }

    private void pull(String model, ProgressListener progress) {
        URI uri = uri("/api/pull");
        HttpRequest request = http.request(uri, http.timeouts().request(), "application/x-ndjson")
                .header("Content-Type", "application/json")
                .POST(HttpTransport.json("{\"model\":" + quote(model) + ",\"stream\":true}"))
                .build();
        HttpResponse<InputStream> response = http.send(request);
        // Pulls go quiet for long stretches (verifying a multi-GB blob): allow the request timeout, not the
        // streaming idle timeout, between lines.
        Duration quiet = max(http.timeouts().request(), http.timeouts().idle());
        InputStream raw = response.body();
        try (IdleWatchdog.Watch watch = IdleWatchdog.watch(quiet, () -> HttpTransport.closeQuietly(raw));
             BufferedReader lines = new BufferedReader(new InputStreamReader(new WatchedInputStream(raw, watch),
                     StandardCharsets.UTF_8))) {
            boolean success = false;
            String line;
            try {
                while ((line = lines.readLine()) != null) {
                    if (line.isBlank()) {
                        continue;
                    }
                    JsonObject o = parse(line, uri);
                    if (o.containsKey("error")) {
                        throw HttpErrors.fromErrorJson(o, 0);
                    }
                    String status = string(o, "status");
                    if ("success".equals(status)) {
                        success = true;
                    }
                    progress.onProgress(toEvent(status, o));
                }
            } catch (IOException e) {
                if (watch.fired()) {
                    throw new LlmException(Kind.TIMEOUT, "pulling " + model + " stalled for more than "
                            + HttpErrors.human(quiet), e);
                }
                throw new LlmException(Kind.UPSTREAM, "pulling " + model + " broke off: " + e.getMessage(), e);
            }
            if (!success) {
                throw new LlmException(Kind.UPSTREAM, "pulling " + model + " ended without success");
            }
        } catch (IOException e) {
            throw new LlmException(Kind.UPSTREAM, "closing the pull of " + model + " failed", e);
        }
    }

    /** "pulling <digest>" with sizes becomes a byte-counted step; the other statuses are named stages. */
    static ProgressEvent toEvent(String status, JsonObject o) {
        String s = status == null ? "" : status;
        String stage = s.startsWith("pulling") ? "pulling"
                : s.startsWith("verifying") ? "verifying"
                : s.startsWith("writing") ? "writing"
                : s.equals("success") ? "pulled"
                : s.isEmpty() ? "pulling" : s;
        long total = number(o, "total");
        long completed = number(o, "completed");
        if (total > 0) {
            return ProgressEvent.bytes(stage, s, Math.min(completed, total), total);
        }
        return s.equals("success") ? new ProgressEvent(stage, s, 0, 0, 100) : ProgressEvent.of(stage, s);
    }

    @Override
    public void unload(String model) {
        requireModel(model);
        postJson("/api/generate", "{\"model\":" + quote(model) + ",\"keep_alive\":0}", http.timeouts().request());
    }

    @Override
    public void delete(String model) {
        requireModel(model);
        HttpRequest request = http.request(uri("/api/delete"), http.timeouts().request(), "application/json")
                .header("Content-Type", "application/json")
                .method("DELETE", HttpTransport.json("{\"model\":" + quote(model) + "}"))
                .build();
        HttpResponse<InputStream> response = http.send(request);
        http.readBody(response, http.timeouts().idle());
    }

    @Override
    public List<String> loadedModels() {
        try {
            HttpRequest request = http.request(uri("/api/ps"), http.timeouts().connect(), "application/json")
                    .GET().build();
            String body = http.readBody(http.send(request), http.timeouts().connect());
            JsonObject o = parse(body, request.uri());
            List<String> names = new ArrayList<>();
            if (o.get("models") instanceof jakarta.json.JsonArray a) {
                for (JsonValue v : a) {
                    if (v instanceof JsonObject m && m.get("name") instanceof JsonString n) {
                        names.add(n.getString());
                    }
                }
            }
            return names;
        } catch (LlmException e) {
            return List.of(); // informational only: an old server without /api/ps is still usable
        }
    }

    private String postJson(String path, String json, Duration timeout) {
        HttpRequest request = http.request(uri(path), timeout, "application/json")
                .header("Content-Type", "application/json")
                .POST(HttpTransport.json(json))
                .build();
        String body = http.readBody(http.send(request), max(timeout, http.timeouts().idle()));
        JsonObject error = HttpErrors.errorObject(body);
        if (error != null) {
            throw HttpErrors.fromErrorJson(error, 0);
        }
        return body;
    }

    private URI uri(String path) {
        return URI.create(root + path);
    }

    private static JsonObject parse(String json, URI from) {
        try (var r = jakarta.json.Json.createReader(new StringReader(json))) {
            return r.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new LlmException(Kind.UPSTREAM, "malformed answer from " + from + ": " + e.getMessage(), e);
        }
    }

    private static String string(JsonObject o, String key) {
        return o.get(key) instanceof JsonString s ? s.getString() : null;
    }

    private static long number(JsonObject o, String key) {
        return o.get(key) instanceof JsonNumber n ? Math.max(0, n.longValue()) : 0;
    }

    private static String quote(String s) {
        return jakarta.json.Json.createValue(s).toString();
    }

    private static void requireModel(String model) {
        if (model == null || model.isBlank()) {
            throw LlmException.invalid("a model name is required");
        }
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
