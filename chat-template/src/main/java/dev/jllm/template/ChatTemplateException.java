package dev.jllm.template;

/**
 * A chat template could not be parsed or rendered, or the template itself rejected the conversation
 * (Hugging Face templates call {@code raise_exception(...)} for, e.g., roles that do not alternate).
 *
 * <p>The message is meant for the user: it names the problem (and the template line where known), never
 * a Java stack trace.
 */
public final class ChatTemplateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean raisedByTemplate;

    ChatTemplateException(String message, boolean raisedByTemplate) {
        super(message);
        this.raisedByTemplate = raisedByTemplate;
    }

    ChatTemplateException(String message) {
        this(message, false);
    }

    /**
     * True when the template itself called {@code raise_exception(msg)}: the conversation does not fit the
     * model's format (a client error), as opposed to a template the engine failed to run.
     */
    public boolean raisedByTemplate() {
        return raisedByTemplate;
    }
}
