package dev.jllm.server.ondemand;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keep-alive durations as Ollama users write them. A duration is Go's {@code 5m}, {@code 1h30m},
 * {@code 45s}, {@code 500ms}, or a plain number of seconds; a negative one means "forever" (kept as -1s).
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)");
    /** What a negative duration becomes. */
    public static final Duration FOREVER = Duration.ofSeconds(-1);

    private Durations() { }

    /** @throws IllegalArgumentException saying what a duration looks like */
    public static Duration parse(String text) {
        String s = text == null ? "" : text.strip();
        if (NUMBER.matcher(s).matches()) {
            return seconds(Double.parseDouble(s));
        }
        boolean negative = s.startsWith("-");
        String body = negative || s.startsWith("+") ? s.substring(1) : s;
        Matcher m = PART.matcher(body);
        long nanos = 0;
        int at = 0;
        while (m.find() && m.start() == at) {
            double v = Double.parseDouble(m.group(1));
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos += (long) (v * unit);
            at = m.end();
        }
        if (body.isEmpty() || at != body.length()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: write e.g. 5m, 1h, 30s, 0 or -1"
                    + " (forever)");
        }
        return negative && nanos > 0 ? FOREVER : Duration.ofNanos(nanos);
    }

    /** A number of seconds, as Ollama reads a JSON number; negative is forever. */
    public static Duration seconds(double s) {
        if (Double.isNaN(s) || Double.isInfinite(s)) {
            throw new IllegalArgumentException("keep_alive must be a finite number of seconds");
        }
        return s < 0 ? FOREVER : Duration.ofNanos((long) (s * 1e9));
    }
}
