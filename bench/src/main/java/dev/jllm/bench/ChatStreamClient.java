package dev.jllm.bench;

import dev.jllm.api.json.Json;
import dev.jllm.api.openai.ChatCompletionChunk;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Streams {@code /v1/chat/completions} with the JDK's HttpClient and times it as a user sees it: time to the
 * first content chunk, total time, and the usage the server reports in its last chunk.
 */
final class ChatStreamClient {

    /** One message of a chat, as sent. */
    record Message(String role, String content) {
        Map<String, String> wire() {
            return Map.of("role", role, "content", content);
        }
    }

    /**
     * The outcome of one streamed request.
     *
     * @param status           HTTP status (0: no response at all)
     * @param error            the error body or exception text, null on success
     * @param startNanos       when the request was sent ({@link System#nanoTime()})
     * @param ttftNanos        time to the first content chunk, -1 if none came
     * @param totalNanos       time to the end of the stream
     * @param completionTokens generated tokens (usage), -1 when not reported
     * @param cachedTokens     prompt tokens served from the server's prefix cache (usage), -1 when not reported
     */
    record Result(int status, String error, long startNanos, long ttftNanos, long totalNanos, int promptTokens,
                  int completionTokens, int cachedTokens, String text) {
        boolean ok() {
            return error == null;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final URI endpoint;
    private final String model;

    ChatStreamClient(String baseUrl, String model) {
        this.endpoint = URI.create(baseUrl.replaceAll("/+$", "") + "/v1/chat/completions");
        this.model = model;
    }

    Result stream(List<Message> messages, int maxTokens) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (model != null) {
            body.put("model", model);
        }
        body.put("messages", messages.stream().map(Message::wire).toList());
        body.put("max_tokens", maxTokens);
        body.put("temperature", 0);
        body.put("stream", true);
        body.put("stream_options", Map.of("include_usage", true));
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofMinutes(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.toJson(body))).build();
        long t0 = System.nanoTime();
        HttpResponse<Stream<String>> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            return new Result(0, e.toString(), t0, -1, System.nanoTime() - t0, -1, -1, -1, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(0, "interrupted", t0, -1, System.nanoTime() - t0, -1, -1, -1, "");
        }
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                return new Result(response.statusCode(), String.join("\n", lines.toList()), t0, -1,
                        System.nanoTime() - t0, -1, -1, -1, "");
            }
            long ttft = -1;
            int prompt = -1;
            int completion = -1;
            int cached = -1;
            StringBuilder text = new StringBuilder();
            boolean done = false;
            for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (!line.startsWith("data: ")) {
                    continue;
                }
                String data = line.substring(6);
                if (data.equals("[DONE]")) {
                    done = true;
                    break;
                }
                if (data.startsWith("{\"error\"")) {
                    return new Result(200, data, t0, ttft, System.nanoTime() - t0, prompt, completion, cached,
                            text.toString());
                }
                ChatCompletionChunk chunk = Json.fromJson(data, ChatCompletionChunk.class);
                String content = chunk.text();
                if (content != null && !content.isEmpty()) {
                    if (ttft < 0) {
                        ttft = System.nanoTime() - t0;
                    }
                    text.append(content);
                }
                if (chunk.usage() != null) {
                    prompt = chunk.usage().promptTokens();
                    completion = chunk.usage().completionTokens();
                    if (chunk.usage().promptTokensDetails() != null && chunk.usage().promptTokensDetails().cachedTokens() != null) {
                        cached = chunk.usage().promptTokensDetails().cachedTokens();
                    }
                }
            }
            long total = System.nanoTime() - t0;
            return new Result(200, done ? null : "the stream ended without [DONE]", t0, ttft, total, prompt,
                    completion, cached, text.toString());
        } catch (RuntimeException e) {
            return new Result(response.statusCode(), e.toString(), t0, -1, System.nanoTime() - t0, -1, -1, -1, "");
        }
    }
}
