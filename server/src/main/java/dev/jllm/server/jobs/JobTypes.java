package dev.jllm.server.jobs;

import dev.jllm.api.LlmService;
import dev.jllm.server.admission.GenerationSlots;
import dev.jllm.server.metrics.Metrics;

import java.util.Map;
import java.util.TreeMap;

/** Every job type the server runs, by name; documented in docs/jobs-api.md. */
public final class JobTypes {

    private JobTypes() { }

    /**
     * The original LLM Service's job names, accepted as aliases so that code written for it runs unchanged; a job
     * submitted under an alias is reported under jllm's name.
     */
    public static final Map<String, String> ALIASES = Map.of(
            "serve-model", "model.serve",
            "get-all-models", "models.list",
            "chat-completion", "chat.completion");

    /** jllm's name for a job type given by either name. */
    public static String canonical(String type) {
        return type == null ? null : ALIASES.getOrDefault(type, type);
    }

    /** @param gate what model names given to jobs may reach on engine instances (the HTTP routes' rule) */
    public static Map<String, JobType> all(LlmService service, GenerationSlots slots, Metrics metrics,
                                           ModelGate gate) {
        Map<String, JobType> types = new TreeMap<>();
        InstanceJobs.register(types, service, metrics, gate);
        ModelJobs.register(types, service, metrics, gate);
        CurrentModelJobs.register(types, service, gate);
        ChatJob.register(types, service, slots, metrics, gate);
        return types;
    }
}
