package dev.jllm.providers;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.LmStudioConfig;
import dev.jllm.api.ProgressEvent;
import dev.jllm.providers.testing.FakeServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** LM Studio's model load/unload over its v1 REST API, against a fake LM Studio on loopback. */
@Timeout(30)
class LmStudioRestApiTest {

    private static final String MODELS = "{\"models\":[{\"type\":\"llm\",\"key\":\"qwen/qwen3-4b\","
            + "\"loaded_instances\":[{\"id\":\"qwen/qwen3-4b\"},{\"id\":\"qwen/qwen3-4b:2\"}]},"
            + "{\"type\":\"llm\",\"key\":\"other\",\"loaded_instances\":[]}]}";

    private final FakeServer server = new FakeServer();
    private final OpenAiCompatibleLlm lms = new OpenAiCompatibleLlm("lms", LmStudioConfig.of(server.baseUrl()));

    @AfterEach
    void stop() {
        lms.close();
        server.close();
    }

    @Test
    void serveLoadsTheModelThroughTheRestApi() {
        server.route("/api/v1/models/load", (ex, body) -> FakeServer.json(ex, 200,
                "{\"type\":\"llm\",\"instance_id\":\"qwen/qwen3-4b\",\"load_time_seconds\":1.5,"
                        + "\"status\":\"loaded\"}"));
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        lms.serve("qwen/qwen3-4b", events::add);
        FakeServer.Received r = server.last();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.path()).isEqualTo("/api/v1/models/load");
        assertThat(r.body()).isEqualTo("{\"model\":\"qwen/qwen3-4b\"}");
        assertThat(events).extracting(ProgressEvent::stage).containsExactly("loading", "done");
        assertThat(events.get(1).message()).contains("1.5 s");
    }

    @Test
    void unloadUnloadsEveryLoadedInstanceOfTheModel() {
        server.route("/api/v1/models", (ex, body) -> FakeServer.json(ex, 200, MODELS));
        server.route("/api/v1/models/unload", (ex, body) -> FakeServer.json(ex, 200, "{\"instance_id\":\"x\"}"));
        lms.unload("qwen/qwen3-4b");
        assertThat(server.received()).filteredOn(r -> r.path().equals("/api/v1/models/unload"))
                .extracting(FakeServer.Received::body)
                .containsExactly("{\"instance_id\":\"qwen/qwen3-4b\"}", "{\"instance_id\":\"qwen/qwen3-4b:2\"}");
    }

    @Test
    void unloadingAModelThatIsNotLoadedIsNotFound() {
        server.route("/api/v1/models", (ex, body) -> FakeServer.json(ex, 200, MODELS));
        LlmException e = catchThrowableOfType(LlmException.class, () -> lms.unload("other"));
        assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
        assertThat(e.getMessage()).contains("'other' is not loaded");
    }

    @Test
    void anOlderLmStudioWithoutTheRoutesIsNotSupportedNamingTheVersion() {
        LlmException e = catchThrowableOfType(LlmException.class, () -> lms.serve("m", ev -> { }));
        assertThat(e.kind()).isEqualTo(Kind.NOT_SUPPORTED);
        assertThat(e.getMessage()).contains("LM Studio 0.4");
        assertThat(e.origin()).isEqualTo(LlmException.Origin.UPSTREAM);
    }

    @Test
    void deleteIsNotSupported() {
        LlmException e = catchThrowableOfType(LlmException.class, () -> lms.deleteModel("m"));
        assertThat(e.kind()).isEqualTo(Kind.NOT_SUPPORTED);
        assertThat(server.received()).isEmpty();
    }

    @Test
    void upstreamFailuresSayTheyCameFromTheUpstream() {
        server.route("/v1/chat/completions", (ex, body) -> FakeServer.json(ex, 500,
                "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}"));
        LlmException e = catchThrowableOfType(LlmException.class, () -> lms.chatCompletion(
                dev.jllm.api.openai.ChatCompletionRequest.builder().model("m")
                        .messages(dev.jllm.api.openai.ChatMessage.user("hi")).build()));
        assertThat(e.origin()).isEqualTo(LlmException.Origin.UPSTREAM);
        assertThat(e.loadFailure()).isEmpty();
    }
}
