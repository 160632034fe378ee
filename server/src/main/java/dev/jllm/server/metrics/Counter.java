package dev.jllm.server.metrics;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;

/** A value that only goes up (requests, tokens). Thread-safe; adding is cheap and lock-free. */
public final class Counter extends MetricFamily {

    private final Map<Labels, DoubleAdder> series = new ConcurrentHashMap<>();

    Counter(String name, String help, List<String> labelNames) {
        super(name, help, labelNames);
        if (!name.endsWith("_total")) {
            throw new IllegalArgumentException("counter names end in _total: " + name);
        }
    }

    public void inc(String... labelValues) {
        add(1, labelValues);
    }

    public void add(double amount, String... labelValues) {
        if (amount < 0 || Double.isNaN(amount)) {
            throw new IllegalArgumentException("a counter only goes up: " + amount);
        }
        series.computeIfAbsent(labels(labelValues), k -> new DoubleAdder()).add(amount);
    }

    /** The current value of one series, 0 when it was never touched. */
    public double value(String... labelValues) {
        DoubleAdder a = series.get(labels(labelValues));
        return a == null ? 0 : a.sum();
    }

    @Override
    void writeTo(StringBuilder out) {
        PrometheusText.header(out, name(), help(), "counter");
        Map<String, Map.Entry<Labels, DoubleAdder>> sorted = new TreeMap<>();
        series.entrySet().forEach(e -> sorted.put(String.join("\u0000", e.getKey().values()), e));
        for (var e : sorted.values()) {
            PrometheusText.sample(out, name(), labelNames(), e.getKey(), null, null, e.getValue().sum());
        }
    }
}
