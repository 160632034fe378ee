package dev.jllm.tests.hardening;

import dev.jllm.tests.support.ServerProcess;
import dev.jllm.api.CurrentModel;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.providers.LlmServiceMain;
import dev.jllm.tests.support.FakeUpstream;
import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.Jobs;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Instances created through the service or the jobs API and the current model survive a restart, in main mode
 * and on the server; the saved configs (with their API keys) are readable by their owner only; a current model
 * that does not exist is refused, and a saved one that points at nothing after a restart is dropped.
 */
class StatePersistenceTest {

    private static Map<String, String> upstream(FakeUpstream up) {
        return Map.of("base_url", up.baseUrl(), "api_key", "sk-upstream-secret");
    }

    @Test
    void mainModeInstancesAndCurrentModelComeBack(@TempDir Path home) throws Exception {
        try (FakeUpstream up = new FakeUpstream()) {
            try (LlmServiceMain service = new LlmServiceMain(home)) {
                service.create("cloud", LlmConfig.fromMap("openai", upstream(up)));
                service.create("spare", LlmConfig.fromMap("openai", upstream(up)));
                service.setCurrentModel(FakeUpstream.MODEL, null, "cloud");
                assertThatThrownBy(() -> service.setCurrentModel("no-such-model", null, "cloud"))
                        .isInstanceOfSatisfying(LlmException.class, e ->
                                assertThat(e.kind()).isEqualTo(LlmException.Kind.NOT_FOUND));
                assertThatThrownBy(() -> service.setCurrentModel(FakeUpstream.MODEL, null, "ghost"))
                        .isInstanceOfSatisfying(LlmException.class, e ->
                                assertThat(e.kind()).isEqualTo(LlmException.Kind.NOT_FOUND));
                assertThat(service.currentModel().map(CurrentModel::serviceName)).hasValue("cloud");
                service.remove("spare");
            }
            Path saved = home.resolve("instances.json");
            assertThat(Files.getPosixFilePermissions(saved)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

            try (LlmServiceMain again = new LlmServiceMain(home)) {
                assertThat(again.list()).containsExactly("cloud");
                assertThat(again.currentModel()).hasValue(new CurrentModel(FakeUpstream.MODEL, "openai", "cloud"));
                var answer = again.chatCompletion(ChatCompletionRequest.builder()
                        .messages(ChatMessage.user("hi")).build());
                assertThat(answer.text()).isNotBlank();
                again.clear();
            }
            try (LlmServiceMain cleared = new LlmServiceMain(home)) {
                assertThat(cleared.list()).isEmpty();
                assertThat(cleared.currentModel()).isEmpty();
            }
        }
    }

    @Test
    void aSavedCurrentModelThatPointsAtNothingIsDropped(@TempDir Path home) throws Exception {
        try (FakeUpstream up = new FakeUpstream()) {
            try (LlmServiceMain service = new LlmServiceMain(home)) {
                service.create("cloud", LlmConfig.fromMap("openai", upstream(up)));
                service.setCurrentModel(FakeUpstream.MODEL, null, "cloud");
            }
            Files.delete(home.resolve("instances.json")); // the instance is gone, the current model file is not
            try (LlmServiceMain again = new LlmServiceMain(home)) {
                assertThat(again.currentModel()).isEmpty();
            }
            assertThat(home.resolve("current-model.json")).doesNotExist();
        }
    }

    @Test
    void serverInstancesFromTheJobsApiAndTheCurrentModelSurviveARestart(@TempDir Path home) throws Exception {
        try (FakeUpstream up = new FakeUpstream()) {
            try (ServerProcess server = ServerProcess.start(home, null, List.of(), Map.of("JLLM_API_KEY", "k-env"))) {
                Http anonymous = new Http("http://127.0.0.1:" + server.port(), null);
                assertThat(anonymous.get("/v1/models").statusCode()).as("--api-key from JLLM_API_KEY")
                        .isEqualTo(401);
                Jobs jobs = new Jobs(new Http("http://127.0.0.1:" + server.port(), "k-env"));
                JsonObject created = jobs.submit("instance.create", "{\"name\":\"cloud\",\"type\":\"openai\","
                        + "\"config\":{\"base_url\":\"" + up.baseUrl() + "\",\"api_key\":\"sk-upstream-secret\"}}");
                assertThat(jobs.await(created.getString("id"), Duration.ofSeconds(30)).getString("status"))
                        .isEqualTo("succeeded");
                JsonObject missing = jobs.await(jobs.submit("current_model.set", "{\"model_id\":\"no-such-model\","
                        + "\"service_name\":\"cloud\"}").getString("id"), Duration.ofSeconds(30));
                assertThat(missing.getString("status")).isEqualTo("failed");
                assertThat(missing.toString()).contains("no-such-model");
                JsonObject set = jobs.await(jobs.submit("current_model.set", "{\"model_id\":\""
                        + FakeUpstream.MODEL + "\",\"service_name\":\"cloud\"}").getString("id"), Duration.ofSeconds(30));
                assertThat(set.getString("status")).isEqualTo("succeeded");
            }
            try (ServerProcess server = ServerProcess.start(home, null, List.of("--api-key", "k2"), Map.of())) {
                Http http = new Http("http://127.0.0.1:" + server.port(), "k2");
                Jobs jobs = new Jobs(http);
                JsonObject list = jobs.await(jobs.submit("instance.list", "{}").getString("id"),
                        Duration.ofSeconds(30));
                assertThat(list.toString()).contains("\"cloud\"");
                JsonObject current = jobs.await(jobs.submit("current_model.get", "{}").getString("id"),
                        Duration.ofSeconds(30));
                assertThat(current.toString()).contains(FakeUpstream.MODEL).contains("cloud");
                HttpResponse<String> chat = http.post("/v1/chat/completions", Http.chat(null, "hi"));
                assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
                assertThat(server.logTail()).doesNotContain("sk-upstream-secret");
            }
        }
    }
}
