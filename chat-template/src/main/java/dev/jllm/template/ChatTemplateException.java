package dev.jllm.template;

/**
 * A chat template could not be parsed or rendered, ran past its {@link RenderBudget}, or the template itself
 * rejected the conversation (Hugging Face templates call {@code raise_exception(...)} for, e.g., roles that do not
 * alternate).
 *
 * <p>The message is meant for the user: it names the problem (and the template line where known), never
 * a Java stack trace.
 */
public final class ChatTemplateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the render ended: the cases a caller answers differently. */
    enum Cause { FAILED, RAISED_BY_TEMPLATE, OVER_BUDGET }

    private final Cause cause;

    ChatTemplateException(String message, Cause cause) {
        super(message);
        this.cause = cause;
    }

    ChatTemplateException(String message) {
        this(message, Cause.FAILED);
    }

    /**
     * True when the template itself called {@code raise_exception(msg)}: the conversation does not fit the
     * model's format (a client error), as opposed to a template the engine failed to run.
     */
    public boolean raisedByTemplate() {
        return cause == Cause.RAISED_BY_TEMPLATE;
    }

    /**
     * True when the render ran out of its {@link RenderBudget} (time or characters): the template loops without
     * end or builds a huge string, at least for this input. A template that does so while being tried at load is
     * unusable.
     */
    public boolean overBudget() {
        return cause == Cause.OVER_BUDGET;
    }
}
