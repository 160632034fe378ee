package dev.jllm.providers;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.OllamaConfig;
import dev.jllm.api.ProgressEvent;
import dev.jllm.providers.testing.FakeServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.jllm.providers.testing.FakeServer.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

@Timeout(30)
class OllamaNativeApiTest {

    private final FakeServer server = new FakeServer();
    private final OpenAiCompatibleLlm ollama;

    OllamaNativeApiTest() {
        ollama = new OpenAiCompatibleLlm("home", OllamaConfig.of(server.baseUrl()));
    }

    @AfterEach
    void stop() {
        ollama.close();
        server.close();
    }

    @Test
    void theNativeRootIsTheBaseUrlWithoutV1() {
        assertThat(OllamaNativeApi.rootOf("http://h:11434/v1")).isEqualTo("http://h:11434");
        assertThat(OllamaNativeApi.rootOf("http://h:11434")).isEqualTo("http://h:11434");
    }

    @Test
    void serveReportsPullProgressThenLoads() {
        server.route("/api/pull", (ex, body) -> {
            OutputStream out = FakeServer.startNdjson(ex);
            write(out, "{\"status\":\"pulling manifest\"}\n");
            write(out, "{\"status\":\"pulling 6a0746a1ec1a\",\"digest\":\"sha256:6a0746a1ec1a\",\"total\":1000,"
                    + "\"completed\":250}\n");
            write(out, "{\"status\":\"pulling 6a0746a1ec1a\",\"digest\":\"sha256:6a0746a1ec1a\",\"total\":1000,");
            write(out, "\"completed\":1000}\n"); // a line split across two writes
            write(out, "{\"status\":\"verifying sha256 digest\"}\n");
            write(out, "{\"status\":\"writing manifest\"}\n");
            write(out, "{\"status\":\"success\"}\n");
        });
        server.route("/api/generate", (ex, body) -> FakeServer.json(ex, 200,
                "{\"model\":\"llama3.2:1b\",\"created_at\":\"2024-01-01T00:00:00Z\",\"response\":\"\",\"done\":true}"));
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        ollama.serve("llama3.2:1b", events::add);

        assertThat(events).extracting(ProgressEvent::stage).containsExactly("pulling", "pulling", "pulling",
                "verifying", "writing", "pulled", "loading", "done");
        assertThat(events.get(0).message()).isEqualTo("pulling manifest");
        assertThat(events.get(0).percentKnown()).isFalse();
        assertThat(events.get(1)).isEqualTo(ProgressEvent.bytes("pulling", "pulling 6a0746a1ec1a", 250, 1000));
        assertThat(events.get(2).percent()).isEqualTo(100.0);
        assertThat(events.getLast().percent()).isEqualTo(100.0);

        List<FakeServer.Received> r = server.received();
        assertThat(r.get(0).path()).isEqualTo("/api/pull");
        assertThat(r.get(0).body()).isEqualTo("{\"model\":\"llama3.2:1b\",\"stream\":true}");
        assertThat(r.get(1).path()).isEqualTo("/api/generate");
        assertThat(r.get(1).body()).isEqualTo("{\"model\":\"llama3.2:1b\"}");
    }

    @Test
    void anErrorLineFailsThePull() {
        server.route("/api/pull", (ex, body) -> {
            OutputStream out = FakeServer.startNdjson(ex);
            write(out, "{\"status\":\"pulling manifest\"}\n");
            write(out, "{\"error\":\"pull model manifest: file does not exist\"}\n");
        });
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        LlmException e = catchThrowableOfType(LlmException.class, () -> ollama.serve("nope", events::add));
        assertThat(e).hasMessage("pull model manifest: file does not exist");
        assertThat(events).hasSize(1);
        assertThat(server.received()).extracting(FakeServer.Received::path).containsExactly("/api/pull");
    }

    @Test
    void aPullThatEndsWithoutSuccessFails() {
        server.route("/api/pull", (ex, body) -> {
            OutputStream out = FakeServer.startNdjson(ex);
            write(out, "{\"status\":\"pulling manifest\"}\n");
        });
        LlmException e = catchThrowableOfType(LlmException.class, () -> ollama.serve("m", null));
        assertThat(e.kind()).isEqualTo(Kind.UPSTREAM);
        assertThat(e).hasMessageContaining("ended without success");
    }

    @Test
    void aRejectedPullCarriesTheServersMessage() {
        server.route("/api/pull", (ex, body) -> FakeServer.json(ex, 500, "{\"error\":\"disk full\"}"));
        LlmException e = catchThrowableOfType(LlmException.class, () -> ollama.serve("m", null));
        assertThat(e).hasMessage("disk full");
        assertThat(e.httpStatus()).isEqualTo(500);
    }

    @Test
    void deleteSendsTheModelAndMapsNotFound() {
        server.route("/api/delete", (ex, body) -> {
            if (body.contains("\"gone\"")) {
                FakeServer.json(ex, 404, "{\"error\":\"model 'gone' not found\"}");
            } else {
                ex.sendResponseHeaders(200, -1);
            }
        });
        ollama.deleteModel("llama3.2:1b");
        assertThat(server.last().method()).isEqualTo("DELETE");
        assertThat(server.last().body()).isEqualTo("{\"model\":\"llama3.2:1b\"}");
        LlmException e = catchThrowableOfType(LlmException.class, () -> ollama.deleteModel("gone"));
        assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(e).hasMessage("model 'gone' not found");
    }

    @Test
    void unloadAsksForKeepAliveZero() {
        server.route("/api/generate", (ex, body) -> FakeServer.json(ex, 200,
                "{\"model\":\"m\",\"response\":\"\",\"done\":true,\"done_reason\":\"unload\"}"));
        ollama.unload("m");
        assertThat(server.last().method()).isEqualTo("POST");
        assertThat(server.last().path()).isEqualTo("/api/generate");
        assertThat(server.last().body()).isEqualTo("{\"model\":\"m\",\"keep_alive\":0}");
    }

    @Test
    void infoListsLoadedModels() {
        server.route("/v1/models", (ex, body) -> FakeServer.json(ex, 200, "{\"object\":\"list\",\"data\":[]}"));
        server.route("/api/ps", (ex, body) -> FakeServer.json(ex, 200,
                "{\"models\":[{\"name\":\"llama3.2:1b\",\"model\":\"llama3.2:1b\",\"size\":1}]}"));
        var info = ollama.info();
        assertThat(info.ready()).isTrue();
        assertThat(info.loadedModels()).containsExactly("llama3.2:1b");
        assertThat(info.details()).containsEntry("auth", "none");
    }
}
