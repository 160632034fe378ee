package dev.jllm.server.routing;

import dev.jllm.server.admission.GenerationSlots;
import dev.jllm.server.metrics.Metrics;
import dev.jllm.server.metrics.PrometheusText;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.nio.charset.StandardCharsets;

/** {@code GET /metrics}: every metric in the Prometheus text format. */
public final class MetricsRoute implements Handler {

    private final Metrics metrics;
    private final GenerationSlots slots;

    public MetricsRoute(Metrics metrics, GenerationSlots slots) {
        this.metrics = metrics;
        this.slots = slots;
        metrics.queueDepth.track(slots::waiting, "generations");
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        // Instances get slot pools as they are first used; their gauges follow the pools.
        for (String instance : slots.instances()) {
            metrics.activeGenerations.track(() -> slots.active(instance), instance);
        }
        res.header(HeaderNames.CONTENT_TYPE, PrometheusText.CONTENT_TYPE);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }
}
