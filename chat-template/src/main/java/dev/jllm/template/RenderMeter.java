package dev.jllm.template;

import java.util.function.Supplier;

/**
 * The budget of the render running on this thread. Jinjava renders on the calling thread and creates its own
 * interpreters, so the meter travels beside them in a thread-local rather than through them; the checks are
 * cheap (one clock read) so that they can sit on every expression and loop iteration.
 */
final class RenderMeter {

    /** Thrown from inside the render when the budget is spent; {@link ChatTemplate} turns it into its error. */
    static final class Exceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Exceeded(String message) {
            super(message, null, false, false);
        }
    }

    private static final ThreadLocal<RenderMeter> CURRENT = new ThreadLocal<>();

    private final RenderBudget budget;
    private final long deadline;

    private RenderMeter(RenderBudget budget) {
        this.budget = budget;
        this.deadline = System.nanoTime() + budget.time().toNanos();
    }

    /** Runs one render under {@code budget}; a render nested in it (none today) keeps the outer deadline. */
    static <T> T run(RenderBudget budget, Supplier<T> render) {
        RenderMeter outer = CURRENT.get();
        if (outer != null) {
            return render.get();
        }
        CURRENT.set(new RenderMeter(budget));
        try {
            return render.get();
        } finally {
            CURRENT.remove();
        }
    }

    /** Ends the render once its time is spent. */
    static void tick() {
        RenderMeter meter = CURRENT.get();
        if (meter != null && System.nanoTime() - meter.deadline > 0) {
            throw new Exceeded("it ran for more than " + meter.budget.time().toMillis() + " ms");
        }
    }

    /** Ends the render before it builds a string longer than the budget allows. */
    static void checkLength(long chars) {
        RenderMeter meter = CURRENT.get();
        long max = meter == null ? RenderBudget.DEFAULT.maxChars() : meter.budget.maxChars();
        if (chars > max) {
            throw new Exceeded("it builds a string of " + chars + " characters, more than the " + max + " allowed");
        }
    }

    /** {@code n} spaces (an indent width from the template), within the budget. */
    static String spaces(long n) {
        long count = Math.max(0, n);
        checkLength(count);
        return " ".repeat((int) count);
    }
}
