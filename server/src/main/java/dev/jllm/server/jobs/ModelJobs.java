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
import jakarta.json.JsonValue;

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
        modelJob(into, "model.serve", (ctx, name, model) -> {
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
        }, service);
        modelJob(into, "model.unload", (ctx, name, model) -> {
            service.unload(name, model);
            return Json.createObjectBuilder().add("instance", name).add("model", model).add("unloaded", true).build();
        }, service);
        modelJob(into, "model.delete", (ctx, name, model) -> {
            service.deleteModel(name, gate.admitFor(service, name, model, false));
            return Json.createObjectBuilder().add("instance", name).add("model", model).add("deleted", true).build();
        }, service);
    }

    /** What a job on one model of one instance does, once the instance's name is resolved. */
    @FunctionalInterface
    private interface ModelWork {
        JsonValue run(JobContext ctx, String instance, String model) throws Exception;
    }

    /** Registers {@code type}, whose parameters are an optional instance and a required model. */
    private static void modelJob(Map<String, JobType> into, String type, ModelWork work, LlmService service) {
        into.put(type, p -> {
            p.allowOnly(Set.of("instance", "model"));
            String instance = JobParams.instance(p);
            String model = p.requiredString("model");
            return ctx -> work.run(ctx, JobParams.resolve(service, instance), model);
        });
    }
}
