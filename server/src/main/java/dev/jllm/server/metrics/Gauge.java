package dev.jllm.server.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * A value that goes up and down. A series is either set explicitly ({@link #set}) or read from a supplier at
 * scrape time ({@link #track}), so that depths and counts owned elsewhere are never copied and never stale.
 */
public final class Gauge extends MetricFamily {

    private final Map<Labels, DoubleSupplier> series = new ConcurrentHashMap<>();

    Gauge(String name, String help, List<String> labelNames) {
        super(name, help, labelNames);
    }

    public void set(double value, String... labelValues) {
        series.put(labels(labelValues), () -> value);
    }

    /** Reads the series from {@code source} at every scrape. */
    public void track(DoubleSupplier source, String... labelValues) {
        series.put(labels(labelValues), source);
    }

    public void remove(String... labelValues) {
        series.remove(labels(labelValues));
    }

    public double value(String... labelValues) {
        DoubleSupplier s = series.get(labels(labelValues));
        return s == null ? 0 : s.getAsDouble();
    }

    @Override
    void writeTo(StringBuilder out) {
        PrometheusText.header(out, name(), help(), "gauge");
        Map<String, Map.Entry<Labels, DoubleSupplier>> sorted = new TreeMap<>();
        series.entrySet().forEach(e -> sorted.put(String.join("\u0000", e.getKey().values()), e));
        for (var e : sorted.values()) {
            PrometheusText.sample(out, name(), labelNames(), e.getKey(), null, null, e.getValue().getAsDouble());
        }
    }
}
