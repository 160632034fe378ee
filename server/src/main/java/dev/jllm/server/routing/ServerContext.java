package dev.jllm.server.routing;

import dev.jllm.api.LlmService;
import dev.jllm.server.admission.GenerationSlots;
import dev.jllm.server.admission.Readiness;
import dev.jllm.server.config.ServerConfig;
import dev.jllm.server.jobs.JobManager;
import dev.jllm.server.metrics.Metrics;

/** What the routes share: the configuration, the service they front and the server's own machinery. */
public record ServerContext(ServerConfig config, LlmService service, ModelRouter router, GenerationSlots slots,
                            Metrics metrics, JobManager jobs, Readiness readiness) { }
