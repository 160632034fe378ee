package dev.jllm.template;

/**
 * What Python raises as ValueError or TypeError inside a template ({@code 'a'.split('')}, slicing a
 * number). Deliberately not an IllegalArgumentException: Jinjava swallows those in method calls and then
 * reports a misleading "method not found".
 */
final class PythonError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    PythonError(String message) {
        super(message, null, false, false);
    }
}
