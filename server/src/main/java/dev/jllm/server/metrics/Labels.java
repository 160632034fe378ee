package dev.jllm.server.metrics;

import java.util.Arrays;
import java.util.List;

/**
 * The values of one series' labels, in the order its family declares the label names. A record over a copied
 * list, so it can key a map.
 */
record Labels(List<String> values) {

    static final Labels NONE = new Labels(List.of());

    Labels {
        values = List.copyOf(values);
    }

    static Labels of(List<String> names, String... values) {
        if (values.length != names.size()) {
            throw new IllegalArgumentException("expected values for labels " + names + ", got "
                    + Arrays.toString(values));
        }
        for (String v : values) {
            if (v == null) {
                throw new IllegalArgumentException("label values must not be null: " + Arrays.toString(values));
            }
        }
        return new Labels(Arrays.asList(values));
    }
}
