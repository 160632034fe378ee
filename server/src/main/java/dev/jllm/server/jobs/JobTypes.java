package dev.jllm.server.jobs;

import dev.jllm.api.LlmService;
import dev.jllm.server.GenerationSlots;
import dev.jllm.server.metrics.Metrics;

import java.util.Map;
import java.util.TreeMap;

/** Every job type the server runs, by name; documented in docs/jobs-api.md. */
public final class JobTypes {

    private JobTypes() { }

    public static Map<String, JobType> all(LlmService service, GenerationSlots slots, Metrics metrics) {
        Map<String, JobType> types = new TreeMap<>();
        InstanceJobs.register(types, service, metrics);
        ModelJobs.register(types, service, metrics);
        CurrentModelJobs.register(types, service);
        ChatJob.register(types, service, slots, metrics);
        return types;
    }
}
