package dev.jllm.server.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The server's metrics, scraped at {@code /metrics}. One instance per server; the fields are the families, named
 * after what they measure. Token counts come from the usage the instances report.
 */
public final class Metrics {

    /** Request durations: from a millisecond health check to a minutes-long generation. */
    private static final double[] DURATION_BUCKETS =
            {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};
    /** Time to first token: prefill of short to long prompts, plus queueing. */
    private static final double[] TTFT_BUCKETS =
            {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60};
    /** Decode speed per request, tokens per second. */
    private static final double[] SPEED_BUCKETS =
            {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000};

    private final List<MetricFamily> families = new ArrayList<>();

    public final Counter httpRequests = add(new Counter("jllm_http_requests_total",
            "HTTP requests answered, by route, method and status.", List.of("route", "method", "status")));
    public final Histogram httpDuration = add(new Histogram("jllm_http_request_duration_seconds",
            "Time from receiving a request to the end of its answer (a whole stream for streamed answers).",
            DURATION_BUCKETS, List.of("route")));
    public final Counter clientDisconnects = add(new Counter("jllm_client_disconnects_total",
            "Requests whose client left before the answer was complete (mid-upload or mid-stream), by route.",
            List.of("route")));
    public final Counter promptTokens = add(new Counter("jllm_prompt_tokens_total",
            "Prompt tokens of finished generations, as the instances report them.", List.of("instance")));
    public final Counter generatedTokens = add(new Counter("jllm_generated_tokens_total",
            "Generated (completion) tokens of finished generations.", List.of("instance")));
    public final Histogram timeToFirstToken = add(new Histogram("jllm_time_to_first_token_seconds",
            "Time from admitting a streamed generation to its first content.", TTFT_BUCKETS, List.of("instance")));
    public final Histogram tokensPerSecond = add(new Histogram("jllm_generation_tokens_per_second",
            "Decode speed of streamed generations: generated tokens over the time after the first one.",
            SPEED_BUCKETS, List.of("instance")));
    public final Gauge queueDepth = add(new Gauge("jllm_queue_depth",
            "Work waiting to start: generations waiting for a slot, jobs waiting for a runner.", List.of("queue")));
    public final Gauge activeGenerations = add(new Gauge("jllm_active_generations",
            "Generations holding a slot now, per instance.", List.of("instance")));
    public final Gauge activeJobs = add(new Gauge("jllm_active_jobs", "Jobs running now.", List.of()));
    public final Counter jobs = add(new Counter("jllm_jobs_total",
            "Jobs finished, by type and final status.", List.of("type", "status")));
    public final Gauge modelLoadSeconds = add(new Gauge("jllm_model_load_seconds",
            "How long the last load of a model into an instance took.", List.of("instance")));

    private <T extends MetricFamily> T add(T family) {
        families.add(family);
        return family;
    }

    /** Every family in the text exposition format. */
    public String scrape() {
        StringBuilder out = new StringBuilder(4096);
        for (MetricFamily f : families) {
            f.writeTo(out);
        }
        return out.toString();
    }
}
