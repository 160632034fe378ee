package dev.jllm.server.jobs;

import dev.jllm.api.LlmService;
import dev.jllm.api.ModelInfo;
import dev.jllm.api.ProgressEvent;
import dev.jllm.api.openai.EmbeddingRequest;
import dev.jllm.api.openai.ModelList;
import dev.jllm.server.metrics.Metrics;
import dev.jllm.server.openai.OpenAiWire;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;

import java.util.Map;
import java.util.Set;

/** Jobs over an instance's models: list, serve (pull and load, with progress), unload, delete. */
final class ModelJobs {

    private ModelJobs() { }

    static void register(Map<String, JobType> into, LlmService service, Metrics metrics, ModelGate gate) {
        into.put("models.list", p -> {
            p.allowOnly(Set.of("instance"));
            String instance = JobParams.instance(p);
            return ctx -> OpenAiWire.toValue(ModelList.of(service.models(JobParams.resolve(service, instance))));
        });
        into.put("embeddings", p -> {
            p.allowOnly(Set.of("instance", "request"));
            String instance = JobParams.instance(p);
            EmbeddingRequest asked = EmbeddingJobRequest.parse(p);
            return ctx -> {
                String name = JobParams.resolve(service, instance);
                EmbeddingRequest request = new EmbeddingRequest(gate.admitFor(service, name, asked.model(), false),
                        asked.input(), asked.encodingFormat(), asked.dimensions(), asked.user());
                return OpenAiWire.toValue(service.embeddings(name, request));
            };
        });
        into.put("model.serve", p -> {
            p.allowOnly(Set.of("instance", "model"));
            String instance = JobParams.instance(p);
            String model = p.requiredString("model");
            return ctx -> {
                String name = JobParams.resolve(service, instance);
                ModelInfo served = service.serve(name, gate.admitFor(service, name, model, true), ctx.progressListener());
                metrics.modelLoadSeconds.set(served.seconds(), name);
                ctx.progress(ProgressEvent.of("done", "model '" + model + "' is served by '" + name + "'"));
                // The ModelInfo's members, plus "model" as older clients read it.
                JsonObjectBuilder b = Json.createObjectBuilder().add("id", served.id()).add("instance", name)
                        .add("provider", served.provider()).add("model", model).add("seconds", served.seconds());
                if (served.ownedBy() == null) {
                    b.addNull("owned_by");
                } else {
                    b.add("owned_by", served.ownedBy());
                }
                return b.build();
            };
        });
        into.put("model.unload", p -> {
            p.allowOnly(Set.of("instance", "model"));
            String instance = JobParams.instance(p);
            String model = p.requiredString("model");
            return ctx -> {
                String name = JobParams.resolve(service, instance);
                service.unload(name, model);
                return Json.createObjectBuilder().add("instance", name).add("model", model)
                        .add("unloaded", true).build();
            };
        });
        into.put("model.delete", p -> {
            p.allowOnly(Set.of("instance", "model"));
            String instance = JobParams.instance(p);
            String model = p.requiredString("model");
            return ctx -> {
                String name = JobParams.resolve(service, instance);
                service.deleteModel(name, gate.admitFor(service, name, model, false));
                return Json.createObjectBuilder().add("instance", name).add("model", model)
                        .add("deleted", true).build();
            };
        });
    }
}
