package dev.jllm.models.store;

/**
 * A store operation was refused or found nothing: a name that escapes the store, a model that is loaded, a name
 * that is not in the store or is ambiguous. The message says what to do instead.
 */
public class ModelStoreException extends RuntimeException {
    public ModelStoreException(String message) {
        super(message);
    }

    public ModelStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
