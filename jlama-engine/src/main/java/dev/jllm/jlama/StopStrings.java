package dev.jllm.jlama;

import java.util.List;

/**
 * Finds stop strings in generated text that arrives piece by piece. Text that could still be the start of a stop
 * string is held back, so a stop string is never streamed and the output ends right before it.
 */
final class StopStrings {

    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    StopStrings(List<String> stops) {
        this.stops = stops.stream().filter(s -> s != null && !s.isEmpty()).toList();
    }

    /** Adds a piece; returns the text that can be given out now (everything before a stop string, once found). */
    String add(String piece) {
        if (stopped) {
            return "";
        }
        pending.append(piece);
        int at = -1;
        for (String s : stops) {
            int i = pending.indexOf(s);
            if (i >= 0 && (at < 0 || i < at)) {
                at = i;
            }
        }
        if (at >= 0) {
            stopped = true;
            String out = pending.substring(0, at);
            pending.setLength(0);
            return out;
        }
        int hold = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, pending.length()); k > hold; k--) {
                if (pending.toString().endsWith(s.substring(0, k))) {
                    hold = k;
                    break;
                }
            }
        }
        String out = pending.substring(0, pending.length() - hold);
        pending.delete(0, pending.length() - hold);
        return out;
    }

    boolean stopped() {
        return stopped;
    }

    /** The text held back when the generation ends without a stop string. */
    String flush() {
        String out = stopped ? "" : pending.toString();
        pending.setLength(0);
        return out;
    }
}
