package dev.jllm.tests;

import dev.jllm.models.testing.TestData;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.TestServer;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What clients written for llama-server expect of jllm, on the tiny real model: the OpenAI routes without the
 * {@code /v1} prefix, {@code /apply-template}, {@code n_predict} as the token limit, {@code cache_prompt} and
 * {@code id_slot} accepted, {@code system_fingerprint} in answers, and the context-overflow error's
 * {@code n_prompt_tokens} and {@code n_ctx} beside OpenAI's code; and the Responses and Messages routes' plain
 * HTTP answers (a kept response read back and deleted, Anthropic's error shape for a missing key).
 */
class LlamaServerCompatTest {

    private static TestServer server;

    @BeforeAll
    static void start() {
        String model = TestData.stories260k().toString();
        server = TestServer.start(c -> c.withContextSize(256).withModels(List.of(new ModelSpec(model, "stories", null,
                ToolCallsSdkTest.template().toString()))));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void routesWithoutV1AndLlamaServerFields() {
        Http http = server.http();
        assertThat(http.get("/models").statusCode()).isEqualTo(200);
        HttpResponse<String> chat = http.post("/chat/completions", "{\"model\":\"stories\",\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"Once\"}],\"n_predict\":3,\"cache_prompt\":true,\"id_slot\":0}");
        assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        JsonObject c = Http.json(chat);
        assertThat(c.getJsonObject("usage").getInt("completion_tokens")).isEqualTo(3);
        assertThat(c.getString("system_fingerprint")).startsWith("jllm-");
        HttpResponse<String> text = http.post("/completions", "{\"model\":\"stories\",\"prompt\":\"Once\","
                + "\"n_predict\":2}");
        assertThat(text.statusCode()).as(text.body()).isEqualTo(200);
        assertThat(Http.json(text).getJsonObject("usage").getInt("completion_tokens")).isEqualTo(2);
        assertThat(Http.json(text).getString("system_fingerprint")).startsWith("jllm-");
        HttpResponse<String> zero = http.post("/v1/chat/completions", "{\"model\":\"stories\",\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"Once\"}],\"n_predict\":0}");
        assertThat(zero.statusCode()).isEqualTo(400);
        assertThat(Http.json(zero).getJsonObject("error").getString("param")).isEqualTo("n_predict");
    }

    @Test
    void applyTemplateRendersThePromptWithTools() {
        HttpResponse<String> r = server.http().post("/apply-template", "{\"model\":\"stories\",\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"Hi there\"}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":"
                + "\"get_weather\",\"parameters\":{\"type\":\"object\"}}}]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Http.json(r).getString("prompt")).contains("<|im_start|>user\nHi there<|im_end|>")
                .contains("\"name\": \"get_weather\"").endsWith("<|im_start|>assistant\n");
    }

    @Test
    void contextOverflowCarriesLlamaServerCounts() {
        String longText = "once upon a time ".repeat(80);
        HttpResponse<String> r = server.http().post("/v1/chat/completions", "{\"model\":\"stories\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"" + longText + "\"}]}");
        assertThat(r.statusCode()).isEqualTo(400);
        JsonObject e = Http.json(r).getJsonObject("error");
        assertThat(e.getString("code")).isEqualTo("context_length_exceeded");
        assertThat(e.getInt("n_ctx")).isEqualTo(256);
        assertThat(e.getInt("n_prompt_tokens")).isGreaterThan(256);
    }

    @Test
    void keptResponsesAndAnthropicErrors() {
        Http http = server.http();
        HttpResponse<String> created = http.post("/v1/responses", "{\"model\":\"stories\",\"input\":\"Once\","
                + "\"max_output_tokens\":2,\"metadata\":{\"k\":\"v\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String id = Http.json(created).getString("id");
        assertThat(Http.json(created).getJsonObject("metadata").getString("k")).isEqualTo("v");
        assertThat(Http.json(http.get("/v1/responses/" + id)).getString("id")).isEqualTo(id);
        assertThat(http.delete("/v1/responses/" + id).statusCode()).isEqualTo(200);
        HttpResponse<String> gone = http.get("/v1/responses/" + id);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(Http.json(gone).getJsonObject("error").getString("code")).isEqualTo("response_not_found");
        HttpResponse<String> hosted = http.post("/v1/responses", "{\"model\":\"stories\",\"input\":\"x\","
                + "\"tools\":[{\"type\":\"web_search\"}]}");
        assertThat(hosted.statusCode()).isEqualTo(400);
        assertThat(Http.json(hosted).getJsonObject("error").getString("param")).isEqualTo("tools[0].type");

        HttpResponse<String> missing = http.post("/v1/messages", "{\"model\":\"stories\",\"max_tokens\":2}");
        assertThat(missing.statusCode()).isEqualTo(400);
        JsonObject body = Http.json(missing);
        assertThat(body.getString("type")).isEqualTo("error");
        assertThat(body.getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
        assertThat(body.getJsonObject("error").getString("message")).contains("messages");
        HttpResponse<String> unknown = http.post("/v1/messages", "{\"model\":\"nope\",\"max_tokens\":2,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Http.json(unknown).getJsonObject("error").getString("type")).isEqualTo("not_found_error");
    }
}
