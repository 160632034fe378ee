package dev.jllm.server.cli;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;

import java.io.IOException;
import java.io.StringReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The CLI's way to a running {@code jllm serve}: the address in {@code JLLM_HOST} (default
 * {@code 127.0.0.1:8080}), the key in {@code JLLM_API_KEY} if set, Ollama's API. Failures become one clear line.
 */
final class ServerClient {

    private final URI base;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ServerClient(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    static ServerClient fromEnvironment() {
        HostPort hp = HostPort.parse(System.getenv("JLLM_HOST"), "127.0.0.1", 8080);
        String key = System.getenv("JLLM_API_KEY");
        return new ServerClient(hp.baseUri(), key == null || key.isBlank() ? null : key.strip());
    }

    URI base() {
        return base;
    }

    JsonObject get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    JsonObject post(String path, JsonObject body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    private JsonObject send(HttpRequest.Builder b) {
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.timeout(Duration.ofMinutes(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new UserError("no jllm server answers at " + base + " (start one with `jllm serve`, or set"
                    + " JLLM_HOST)");
        } catch (IOException e) {
            throw new UserError("cannot reach the jllm server at " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted");
        }
        JsonObject o = parse(r.body());
        if (r.statusCode() / 100 != 2) {
            throw new UserError(errorMessage(o, r));
        }
        return o;
    }

    private static JsonObject parse(String body) {
        if (body == null || body.isBlank()) {
            return JsonObject.EMPTY_JSON_OBJECT;
        }
        try (JsonReader jr = Json.createReader(new StringReader(body))) {
            return jr.readObject();
        } catch (RuntimeException e) {
            return JsonObject.EMPTY_JSON_OBJECT;
        }
    }

    /** Ollama's {@code {"error": "..."}}, or OpenAI's {@code {"error": {"message": ...}}}. */
    private static String errorMessage(JsonObject o, HttpResponse<String> r) {
        if (o.get("error") instanceof JsonString s) {
            return s.getString();
        }
        if (o.get("error") instanceof JsonObject e && e.get("message") instanceof JsonString m) {
            return m.getString();
        }
        return "the server answered " + r.statusCode();
    }
}
