package dev.jllm.server.anthropic;

import java.util.List;

/**
 * Which stop sequence ended an answer. The engine cuts the answer at a stop sequence and leaves it out, so the text
 * cannot tell; the sampled tokens can: the request asks for them (logprobs), and a stop sequence among the last of
 * them is what stopped the answer (an end-of-turn token ends it otherwise). Not thread-safe: one per answer.
 */
final class StopSequences {

    /** How far before the end a stop sequence may begin: the last token may carry text after it. */
    private static final int SLACK = 64;

    private final List<String> stops;
    private final int keep;
    private final StringBuilder tail = new StringBuilder();

    StopSequences(List<String> stops) {
        this.stops = stops;
        this.keep = stops.stream().mapToInt(String::length).max().orElse(0) + SLACK;
    }

    /** The text of the next sampled token. */
    void token(String text) {
        if (stops.isEmpty() || text == null) {
            return;
        }
        tail.append(text);
        if (tail.length() > 2 * keep) {
            tail.delete(0, tail.length() - keep);
        }
    }

    /** The stop sequence that ended the answer, or null (it ended otherwise). */
    String matched(String finishReason) {
        if (!"stop".equals(finishReason)) {
            return null;
        }
        String t = tail.toString();
        String best = null;
        int bestAt = -1;
        for (String s : stops) {
            int at = t.lastIndexOf(s);
            if (at >= Math.max(0, t.length() - keep) && at > bestAt) {
                best = s;
                bestAt = at;
            }
        }
        return best;
    }
}
