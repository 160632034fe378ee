package dev.jllm.runtime.sampling.grammar;

/** A grammar or schema that cannot be compiled; the message says what and where, for the client. */
public final class GrammarException extends IllegalArgumentException {
    public GrammarException(String message) {
        super(message);
    }
}
