package dev.jllm.server.ollama;

/** A failure answered in Ollama's shape, {@code {"error": "..."}}, with the status Ollama uses for it. */
final class OllamaException extends RuntimeException {

    private final int status;

    OllamaException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }

    static OllamaException badRequest(String message) {
        return new OllamaException(400, message);
    }

    /** Ollama's answer for a model it does not have (or, here, may not serve: the same answer, on purpose). */
    static OllamaException modelNotFound(String model) {
        return new OllamaException(404, "model '" + model + "' not found");
    }
}
