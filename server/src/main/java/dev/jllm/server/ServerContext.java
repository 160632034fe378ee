package dev.jllm.server;

import dev.jllm.api.LlmService;
import dev.jllm.server.jobs.JobManager;
import dev.jllm.server.metrics.Metrics;
import dev.jllm.server.routing.ModelRouter;

/** What the routes share: the configuration, the service they front and the server's own machinery. */
public record ServerContext(ServerConfig config, LlmService service, ModelRouter router, GenerationSlots slots,
                            Metrics metrics, JobManager jobs, Readiness readiness) { }
