package dev.jllm.template;

import java.time.Duration;
import java.util.Objects;

/**
 * What one render of a chat template may spend: wall-clock time and characters (of the output, and of any
 * string it builds on the way). A template comes from a model file or a client's operator, so it is untrusted
 * code: {@code {% for i in range(1000) %}} nested three deep, or a string doubled in a loop, would otherwise
 * hold a request thread for minutes or exhaust the heap. The engine checks the budget at every expression, loop
 * iteration and string-building filter, and the render ends with a {@link ChatTemplateException} whose
 * {@link ChatTemplateException#overBudget()} holds.
 *
 * <p>The same budget applies to the trial renders made when a template is loaded, so a template that cannot
 * finish is found at load, not by the first user.
 *
 * @param time the most one render may take; real templates take milliseconds
 * @param maxChars the most characters the output or any string the template builds may hold
 */
public record RenderBudget(Duration time, long maxChars) {

    /**
     * Five seconds and 16 Mi characters. Real templates render in milliseconds; the time is wall-clock (request
     * threads are virtual, which have no CPU clock), so it leaves room for a machine loaded ten times over. 16 Mi
     * characters is above any context window's worth of prompt text.
     */
    public static final RenderBudget DEFAULT = new RenderBudget(Duration.ofSeconds(5), 16L << 20);

    public RenderBudget {
        Objects.requireNonNull(time, "time");
        if (time.isNegative() || time.isZero()) {
            throw new IllegalArgumentException("a render budget needs a positive time, got " + time);
        }
        if (maxChars < 1 || maxChars > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a render budget's characters must be in 1.." + (Integer.MAX_VALUE - 8)
                    + ", got " + maxChars);
        }
    }

    /** How the budget reads in messages: "2000 ms and 16777216 characters". */
    String describe() {
        return time.toMillis() + " ms and " + maxChars + " characters";
    }
}
