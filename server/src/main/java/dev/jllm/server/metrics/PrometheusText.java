package dev.jllm.server.metrics;

import java.util.List;

/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: HELP and TYPE lines, then one line per
 * sample, {@code name{label="value",...} number}.
 */
public final class PrometheusText {

    /** The Content-Type of a scrape answer. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() { }

    static void header(StringBuilder out, String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** One sample line; {@code extraName}/{@code extraValue} add one more label (histograms' "le"), or null. */
    static void sample(StringBuilder out, String name, List<String> labelNames, Labels labels,
                       String extraName, String extraValue, double value) {
        out.append(name);
        boolean any = !labelNames.isEmpty() || extraName != null;
        if (any) {
            out.append('{');
            for (int i = 0; i < labelNames.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labelNames.get(i)).append("=\"").append(escapeLabel(labels.values().get(i))).append('"');
            }
            if (extraName != null) {
                if (!labelNames.isEmpty()) {
                    out.append(',');
                }
                out.append(extraName).append("=\"").append(escapeLabel(extraValue)).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
    }

    /** Label values escape backslash, double quote and line feed. */
    static String escapeLabel(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = switch (c) {
                case '\\' -> "\\\\";
                case '"' -> "\\\"";
                case '\n' -> "\\n";
                default -> null;
            };
            if (rep != null && b == null) {
                b = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (b != null) {
                if (rep != null) {
                    b.append(rep);
                } else {
                    b.append(c);
                }
            }
        }
        return b == null ? s : b.toString();
    }

    /** HELP text escapes only backslash and line feed. */
    static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /** Integers print without a fraction; infinities and NaN print as Prometheus spells them. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
