package dev.jllm.server.metrics;

import java.util.List;
import java.util.regex.Pattern;

/** A named metric with fixed label names: one series per combination of label values. */
public abstract sealed class MetricFamily permits Counter, Gauge, Histogram {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final String name;
    private final String help;
    private final List<String> labelNames;

    MetricFamily(String name, String help, List<String> labelNames) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name: " + name);
        }
        for (String l : labelNames) {
            if (!LABEL.matcher(l).matches() || l.startsWith("__") || l.equals("le")) {
                throw new IllegalArgumentException("invalid label name for " + name + ": " + l);
            }
        }
        this.name = name;
        this.help = help;
        this.labelNames = List.copyOf(labelNames);
    }

    public String name() {
        return name;
    }

    String help() {
        return help;
    }

    List<String> labelNames() {
        return labelNames;
    }

    Labels labels(String... values) {
        return Labels.of(labelNames, values);
    }

    /** Appends this family in the text exposition format. */
    abstract void writeTo(StringBuilder out);
}
