package dev.jllm.server.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Observations counted into fixed buckets (cumulative on output, as Prometheus expects), with their sum and
 * count. Thread-safe and lock-free.
 */
public final class Histogram extends MetricFamily {

    private final double[] bounds;
    private final Map<Labels, Cells> series = new ConcurrentHashMap<>();

    private final class Cells {
        final LongAdder[] buckets = new LongAdder[bounds.length];
        final DoubleAdder sum = new DoubleAdder();
        final LongAdder count = new LongAdder();

        Cells() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }
    }

    Histogram(String name, String help, double[] bounds, List<String> labelNames) {
        super(name, help, labelNames);
        if (bounds.length == 0) {
            throw new IllegalArgumentException("a histogram needs buckets: " + name);
        }
        for (int i = 1; i < bounds.length; i++) {
            if (!(bounds[i] > bounds[i - 1])) {
                throw new IllegalArgumentException("bucket bounds must increase: " + name);
            }
        }
        this.bounds = bounds.clone();
    }

    public void observe(double value, String... labelValues) {
        if (Double.isNaN(value)) {
            return; // a NaN observation has no bucket; dropping it keeps sum and count meaningful
        }
        Cells c = series.computeIfAbsent(labels(labelValues), k -> new Cells());
        // Only the first bucket that holds the value counts it; the output makes the counts cumulative.
        for (int i = 0; i < bounds.length; i++) {
            if (value <= bounds[i]) {
                c.buckets[i].increment();
                break;
            }
        }
        c.sum.add(value);
        c.count.increment();
    }

    public long count(String... labelValues) {
        Cells c = series.get(labels(labelValues));
        return c == null ? 0 : c.count.sum();
    }

    public double sum(String... labelValues) {
        Cells c = series.get(labels(labelValues));
        return c == null ? 0 : c.sum.sum();
    }

    @Override
    void writeTo(StringBuilder out) {
        PrometheusText.header(out, name(), help(), "histogram");
        Map<String, Map.Entry<Labels, Cells>> sorted = new TreeMap<>();
        series.entrySet().forEach(e -> sorted.put(String.join("\u0000", e.getKey().values()), e));
        for (var e : sorted.values()) {
            Cells c = e.getValue();
            // Read count first: observations landing meanwhile then never make a bucket exceed the +Inf line.
            long count = c.count.sum();
            double sum = c.sum.sum();
            long cumulative = 0;
            for (int i = 0; i < bounds.length; i++) {
                cumulative += c.buckets[i].sum();
                PrometheusText.sample(out, name() + "_bucket", labelNames(), e.getKey(), "le",
                        PrometheusText.number(bounds[i]), Math.min(cumulative, count));
            }
            PrometheusText.sample(out, name() + "_bucket", labelNames(), e.getKey(), "le", "+Inf", count);
            PrometheusText.sample(out, name() + "_sum", labelNames(), e.getKey(), null, null, sum);
            PrometheusText.sample(out, name() + "_count", labelNames(), e.getKey(), null, null, count);
        }
    }
}
