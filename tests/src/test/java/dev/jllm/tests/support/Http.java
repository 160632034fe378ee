package dev.jllm.tests.support;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Raw HTTP against the server with the JDK client, so tests see exactly the bytes and headers sent. */
public final class Http {

    private final String root;
    private final String apiKey;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    public Http(String root, String apiKey) {
        this.root = root;
        this.apiKey = apiKey;
    }

    public String root() {
        return root;
    }

    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(root + path)).timeout(Duration.ofSeconds(60));
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return b;
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<InputStream> stream(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    public HttpResponse<String> delete(String path) {
        return send(request(path).DELETE().build());
    }

    public HttpResponse<String> post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public static JsonObject json(String s) {
        try (JsonReader r = Json.createReader(new StringReader(s))) {
            return r.readObject();
        }
    }

    public static JsonObject json(HttpResponse<String> r) {
        return json(r.body());
    }

    /** A chat request body with one user message. */
    public static String chat(String model, String userText, String... extraMembers) {
        StringBuilder b = new StringBuilder("{");
        if (model != null) {
            b.append("\"model\":").append(Json.createValue(model)).append(',');
        }
        b.append("\"messages\":[{\"role\":\"user\",\"content\":").append(Json.createValue(userText)).append("}]");
        for (String m : extraMembers) {
            b.append(',').append(m);
        }
        return b.append('}').toString();
    }
}
