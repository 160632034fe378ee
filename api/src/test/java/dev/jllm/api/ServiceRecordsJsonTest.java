package dev.jllm.api;

import dev.jllm.api.json.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** jllm's own records are written snake_case like the OpenAI ones, so every JSON jllm emits looks alike. */
class ServiceRecordsJsonTest {

    @Test
    void currentModelIsSnakeCaseAndRoundTrips() {
        CurrentModel m = new CurrentModel("llama3.2:1b", "ollama", "home");
        String json = Json.toJson(m);
        assertThat(json).isEqualTo("{\"model_id\":\"llama3.2:1b\",\"provider\":\"ollama\",\"service_name\":\"home\"}");
        assertThat(Json.fromJson(json, CurrentModel.class)).isEqualTo(m);
    }

    @Test
    void serviceInfoAndProgressAreSnakeCase() {
        ServiceInfo info = new ServiceInfo("main", null,
                List.of(new LlmInfo("a", "local", true, "in-process", List.of("m"), Map.of("threads", "4"))));
        String json = Json.toJson(info);
        assertThat(json).contains("\"loaded_models\":[\"m\"]").doesNotContain("current_model");
        assertThat(Json.fromJson(json, ServiceInfo.class)).isEqualTo(info);
        String p = Json.toJson(ProgressEvent.bytes("pulling", "layer", 5, 10));
        assertThat(p).contains("\"bytes_done\":5").contains("\"bytes_total\":10").contains("\"percent\":50.0")
                .doesNotContain("percentKnown");
    }
}
