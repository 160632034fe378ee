package dev.jllm.server.jobs;

import dev.jllm.api.CurrentModel;
import dev.jllm.api.LlmService;
import dev.jllm.server.openai.OpenAiWire;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Jobs over the current model: get, set, clear. Each answers with the current model afterwards. */
final class CurrentModelJobs {

    private CurrentModelJobs() { }

    static void register(Map<String, JobType> into, LlmService service, ModelGate gate) {
        into.put("current_model.get", p -> {
            p.allowOnly(Set.of());
            return ctx -> wrap(service.currentModel());
        });
        into.put("current_model.set", p -> {
            p.allowOnly(Set.of("model_id", "provider", "service_name"));
            String modelId = p.requiredString("model_id");
            String provider = p.string("provider");
            String serviceName = p.requiredString("service_name");
            return ctx -> wrap(Optional.of(service.setCurrentModel(service.has(serviceName)
                    ? gate.admitFor(service, serviceName, modelId, false) : modelId, provider, serviceName)));
        });
        into.put("current_model.clear", p -> {
            p.allowOnly(Set.of());
            return ctx -> {
                service.clearCurrentModel();
                return wrap(Optional.empty());
            };
        });
    }

    /** {@code {"current_model": {...}}} or {@code {"current_model": null}}. */
    static JsonObject wrap(Optional<CurrentModel> c) {
        return Json.createObjectBuilder()
                .add("current_model", c.<JsonValue>map(OpenAiWire::toValue).orElse(JsonValue.NULL)).build();
    }
}
