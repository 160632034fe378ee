package dev.jllm.runtime.sampling.grammar;

/**
 * A grammar or schema that cannot be compiled; the message says what and where, for the client. A schema error
 * also names the request parameter holding the schema, so the refusal can point at it.
 */
public final class GrammarException extends IllegalArgumentException {

    private final String param;
    private final String detail;

    public GrammarException(String message) {
        super(message);
        this.param = null;
        this.detail = message;
    }

    /** A schema error in request parameter {@code param}: the message reads {@code invalid 'param': detail}. */
    public GrammarException(String param, String detail) {
        super("invalid '" + param + "': " + detail);
        this.param = param;
        this.detail = detail;
    }

    /** The request parameter at fault, or null when the grammar text itself is (GBNF errors). */
    public String param() {
        return param;
    }

    /** What is wrong, without the parameter. */
    public String detail() {
        return detail;
    }
}
