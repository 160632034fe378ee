package dev.jllm.models;

/**
 * A model file is malformed, truncated, hostile or of a kind jllm does not support. The message names the
 * file and the problem so a user can act on it; it is unchecked because callers can rarely recover beyond
 * reporting it.
 */
public class ModelFormatException extends RuntimeException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
