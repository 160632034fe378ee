package dev.jllm.tests.behaviour;

import dev.jllm.models.testing.TestData;
import dev.jllm.tests.support.Http;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model name in a request never reaches an arbitrary server path (issue 14): requests may name the pinned
 * models, store models, aliases, and files inside the operator's {@code --models-dir}; anything else, whether it
 * exists on the server or not, gets the same 404 that says nothing about the disk. The traps here are valid GGUF
 * files outside the models directory (one reached through a link inside it), so that a server that opened them
 * would answer 200.
 */
class ModelNamesAreNotPathsTest {

    @TempDir
    static Path tmp;
    private static ServerProcess server;
    private static Path secret;

    @BeforeAll
    static void start() throws Exception {
        Path model = TestData.stories260k();
        Path dir = Files.createDirectories(tmp.resolve("models"));
        Files.copy(model, dir.resolve("stories.gguf"));
        secret = Files.copy(model, Files.createDirectories(tmp.resolve("private")).resolve("secret.gguf"));
        Files.createSymbolicLink(dir.resolve("link-out.gguf"), secret);
        server = ServerProcess.start(tmp.resolve("home"), Map.of("JLLM_MODELS_DIR", dir.toString(),
                "JLLM_MODEL", model.toString()), 0);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void namesOutsideTheAllowedPlacesAreOneAndTheSame404() {
        List<String> names = List.of("stories260K//etc/shadow", "stories260K/" + secret, "stories260K/../private",
                "/etc/shadow", "/etc/passwd", "/no/such/file.gguf", secret.toString(), "../private/secret.gguf",
                "models/../private/secret.gguf", "link-out.gguf", tmp.resolve("models/link-out.gguf").toString(),
                "hf.co/../etc/passwd", "./stories.gguf/../../private/secret.gguf", "no-such-model");
        for (String name : names) {
            HttpResponse<String> openAi = server.http().post("/v1/chat/completions", Http.chat(name, "Once"));
            assertThat(openAi.statusCode()).as(name + ": " + openAi.body()).isEqualTo(404);
            assertThat(openAi.body().replace(jsonText(name), "NAME")).as(name)
                    .isEqualTo("{\"error\":{\"message\":\"The model 'NAME' does not exist\",\"type\":"
                            + "\"invalid_request_error\",\"param\":\"model\",\"code\":\"model_not_found\"}}");

            HttpResponse<String> ollama = server.http().post("/api/chat", "{\"model\":" + jsonString(name)
                    + ",\"messages\":[{\"role\":\"user\",\"content\":\"Once\"}],\"stream\":false}");
            assertThat(ollama.statusCode()).as(name + ": " + ollama.body()).isEqualTo(404);
            assertThat(Http.json(ollama).getString("error")).isEqualTo("model '" + name + "' not found");

            HttpResponse<String> show = server.http().post("/api/show", "{\"model\":" + jsonString(name) + "}");
            assertThat(show.statusCode()).as(name + ": " + show.body()).isEqualTo(404);
        }
        // nothing was loaded for them: only the pinned model is there
        assertThat(loaded()).containsExactly("stories260K");
    }

    @Test
    void filesInTheModelsDirAreServedAndLoadedOnceHoweverNamed() {
        for (String name : List.of("stories.gguf", tmp.resolve("models/stories.gguf").toString(),
                tmp.resolve("models/./stories.gguf").toString())) {
            HttpResponse<String> r = server.http().post("/api/generate", "{\"model\":" + jsonString(name)
                    + ",\"prompt\":\"Once\",\"raw\":true,\"stream\":false,\"options\":{\"num_predict\":2}}");
            assertThat(r.statusCode()).as(name + ": " + r.body()).isEqualTo(200);
            assertThat(Http.json(r).getBoolean("done")).isTrue();
        }
        assertThat(loaded()).containsExactlyInAnyOrder("stories260K", "stories.gguf");
        // the pinned model by its instance name
        HttpResponse<String> pinned = server.http().post("/v1/chat/completions", Http.chat("stories260K", "Once",
                "\"max_tokens\":2"));
        assertThat(pinned.statusCode()).as(pinned.body()).isEqualTo(200);
        // a copy of the pinned model reaches its instance (its canonical name is a path no request may use)
        HttpResponse<String> copy = server.http().post("/api/copy",
                "{\"source\":\"stories260K\",\"destination\":\"pinned-copy\"}");
        assertThat(copy.statusCode()).as(copy.body()).isEqualTo(200);
        HttpResponse<String> viaCopy = server.http().post("/api/chat", "{\"model\":\"pinned-copy\",\"stream\":false,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Once\"}],\"options\":{\"num_predict\":2}}");
        assertThat(viaCopy.statusCode()).as(viaCopy.body()).isEqualTo(200);
        assertThat(loaded()).containsExactlyInAnyOrder("stories260K", "stories.gguf");
    }

    private static List<String> loaded() {
        JsonObject ps = Http.json(server.http().get("/api/ps"));
        return ps.getJsonArray("models").stream().map(JsonValue::asJsonObject).map(m -> m.getString("name")).toList();
    }

    private static String jsonString(String s) {
        return jakarta.json.Json.createValue(s).toString();
    }

    /** How a name appears inside a JSON string (slashes are not escaped by the server's writer). */
    private static String jsonText(String s) {
        String q = jsonString(s);
        return q.substring(1, q.length() - 1);
    }
}
