package dev.jllm.models;

/**
 * A well-formed model file of a kind the engine does not run (an architecture or model class it lacks). Kept
 * apart from damaged files so that callers can fall back to another engine instead of reporting corruption.
 */
public class UnsupportedModelException extends ModelFormatException {
    public UnsupportedModelException(String message) {
        super(message);
    }
}
