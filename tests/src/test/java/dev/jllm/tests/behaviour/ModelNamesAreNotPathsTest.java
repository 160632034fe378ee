package dev.jllm.tests.behaviour;

import dev.jllm.tests.support.ServerProcess;
import dev.jllm.models.testing.TestData;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.Jobs;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    /** Names that must not load anything: server files outside the models directory, or nothing at all. */
    private static List<String> hostileNames() {
        return List.of("stories260K//etc/shadow", "stories260K/" + secret, "stories260K/../private",
                "/etc/shadow", "/etc/passwd", "/no/such/file.gguf", secret.toString(), "../private/secret.gguf",
                "models/../private/secret.gguf", "link-out.gguf", tmp.resolve("models/link-out.gguf").toString(),
                "hf.co/../etc/passwd", "./stories.gguf/../../private/secret.gguf", "no-such-model");
    }

    @Test
    void namesOutsideTheAllowedPlacesAreOneAndTheSame404() {
        for (String name : hostileNames()) {
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

    /**
     * The jobs API follows the same rule: every job that takes a model name and reaches an engine instance
     * ({@code instance.create}, {@code model.serve}, {@code chat.completion}, {@code embeddings},
     * {@code current_model.set}, {@code model.delete}) fails with the HTTP routes' 404 for the names above, the
     * same for all of them, and serves the models
     * directory's files by their names.
     */
    @Test
    void jobsCannotReachServerPathsEither() throws Exception {
        Jobs jobs = new Jobs(server.http());
        assertThat(run(jobs, "instance.create", "{\"name\":\"engine\",\"type\":\"local\",\"config\":"
                + "{\"threads\":\"1\"}}").getString("status")).isEqualTo("succeeded");
        try {
            for (String name : hostileNames()) {
                String n = jsonString(name);
                for (String instance : List.of("engine", "stories260K")) {
                    refused(name, run(jobs, "chat.completion", "{\"instance\":\"" + instance + "\",\"request\":"
                            + "{\"model\":" + n + ",\"messages\":[{\"role\":\"user\",\"content\":\"Once\"}]}}"));
                    refused(name, run(jobs, "model.serve", "{\"instance\":\"" + instance + "\",\"model\":" + n
                            + "}"));
                    refused(name, run(jobs, "embeddings", "{\"instance\":\"" + instance + "\",\"request\":"
                            + "{\"model\":" + n + ",\"input\":\"Once\"}}"));
                    refused(name, run(jobs, "current_model.set", "{\"model_id\":" + n + ",\"service_name\":\""
                            + instance + "\"}"));
                    refused(name, run(jobs, "model.delete", "{\"instance\":\"" + instance + "\",\"model\":" + n
                            + "}"));
                }
                refused(name, run(jobs, "instance.create", "{\"name\":\"made\",\"type\":\"local\",\"config\":"
                        + "{\"model\":" + n + "}}"));
            }
            assertThat(REFUSALS).hasSize(1);
            JsonObject instances = run(jobs, "instance.list", "{}").getJsonObject("result");
            assertThat(instances.toString()).doesNotContain("\"made\"");
            assertThat(run(jobs, "models.list", "{\"instance\":\"engine\"}").toString())
                    .doesNotContain("secret").doesNotContain("shadow");

            // the models directory's file, by its name: served, and answered
            assertThat(run(jobs, "model.serve", "{\"instance\":\"engine\",\"model\":\"stories.gguf\"}")
                    .getString("status")).isEqualTo("succeeded");
            JsonObject chat = run(jobs, "chat.completion", "{\"instance\":\"engine\",\"request\":{\"model\":"
                    + "\"stories.gguf\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"Once\"}]}}");
            assertThat(chat.getString("status")).as(chat.toString()).isEqualTo("succeeded");
            JsonObject made = run(jobs, "instance.create", "{\"name\":\"made\",\"type\":\"local\",\"config\":"
                    + "{\"model\":\"stories.gguf\",\"threads\":\"1\"}}");
            assertThat(made.getString("status")).as(made.toString()).isEqualTo("succeeded");
        } finally {
            run(jobs, "instance.remove", "{\"name\":\"engine\"}");
            run(jobs, "instance.remove", "{\"name\":\"made\"}");
        }
    }

    private static JsonObject run(Jobs jobs, String type, String params) throws InterruptedException {
        return jobs.await(jobs.submit(type, params).getString("id"), Duration.ofSeconds(60));
    }

    /** Failed with the HTTP routes' 404 and message, word for word, as a model that is not there. */
    private static void refused(String name, JsonObject job) {
        assertThat(job.getString("status")).as(name + ": " + job).isEqualTo("failed");
        JsonObject error = job.getJsonObject("error");
        assertThat(error.getInt("http_status")).as(name + ": " + job).isEqualTo(404);
        assertThat(error.getString("message")).isEqualTo("The model '" + name + "' does not exist");
        assertThat(error.getString("load_failure")).isEqualTo("model_not_found");
        REFUSALS.add(error.toString().replace(jsonText(name), "NAME"));
    }

    /** Every refusal of a job, its name taken out: one and the same, so none tells anything about the disk. */
    private static final java.util.Set<String> REFUSALS = java.util.concurrent.ConcurrentHashMap.newKeySet();

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
