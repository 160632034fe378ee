package dev.jllm.server.jobs;

import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmService;
import dev.jllm.api.ProgressEvent;
import dev.jllm.server.metrics.Metrics;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ApiException;
import dev.jllm.server.openai.OpenAiWire;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;

import java.util.Map;
import java.util.Set;

/** Jobs over the registry of instances: create, remove, list, clear, and what they and the service report. */
final class InstanceJobs {

    private InstanceJobs() { }

    static void register(Map<String, JobType> into, LlmService service, Metrics metrics, ModelGate gate) {
        into.put("instance.create", p -> {
            p.allowOnly(Set.of("name", "type", "config"));
            String name = p.requiredString("name");
            String type = p.requiredString("type");
            LlmConfig asked;
            try {
                asked = LlmConfig.fromMap(type, JobParams.options(p, "config"));
            } catch (LlmException e) {
                throw new ApiException(ApiError.invalid(e.getMessage(), p.param("config")));
            }
            return ctx -> {
                LlmConfig config = gate.admit(asked);
                ctx.progress(ProgressEvent.of("creating", "creating " + type + " instance '" + name + "'"));
                long t0 = System.nanoTime();
                Llm llm = service.create(name, config);
                // an engine instance (local, jlama, ...) created with a model has just loaded it
                if (!(config instanceof dev.jllm.api.HttpLlmConfig) && config.toMap().containsKey("model")) {
                    metrics.modelLoadSeconds.set((System.nanoTime() - t0) / 1e9, name);
                }
                ctx.progress(ProgressEvent.of("done", "instance '" + name + "' created"));
                return OpenAiWire.toValue(llm.info());
            };
        });
        into.put("instance.remove", p -> {
            p.allowOnly(Set.of("name"));
            String name = p.requiredString("name");
            return ctx -> {
                boolean removed = service.remove(name);
                metrics.modelLoadSeconds.remove(name);
                return Json.createObjectBuilder().add("name", name).add("removed", removed).build();
            };
        });
        into.put("instance.list", p -> {
            p.allowOnly(Set.of());
            return ctx -> {
                JsonArrayBuilder names = Json.createArrayBuilder();
                service.list().forEach(names::add);
                return Json.createObjectBuilder().add("instances", names).build();
            };
        });
        into.put("instance.clear", p -> {
            p.allowOnly(Set.of());
            return ctx -> {
                service.clear();
                return Json.createObjectBuilder().add("cleared", true).build();
            };
        });
        into.put("instance.info", p -> {
            p.allowOnly(Set.of("instance"));
            String instance = JobParams.instance(p);
            return ctx -> OpenAiWire.toValue(service.info(JobParams.resolve(service, instance)));
        });
        into.put("service.info", p -> {
            p.allowOnly(Set.of());
            return ctx -> OpenAiWire.toValue(service.info());
        });
    }
}
