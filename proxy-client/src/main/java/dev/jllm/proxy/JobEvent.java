package dev.jllm.proxy;

/**
 * One event of a job as the server numbered it.
 *
 * @param id   1, 2, 3... without gaps: what a resumed stream continues after
 * @param type progress, chunk, result, error or cancelled
 * @param data the JSON payload
 */
record JobEvent(long id, String type, String data) {

    static final String PROGRESS = "progress";
    static final String CHUNK = "chunk";
    static final String RESULT = "result";
    static final String ERROR = "error";
    static final String CANCELLED = "cancelled";

    boolean isFinal() {
        return type.equals(RESULT) || type.equals(ERROR) || type.equals(CANCELLED);
    }
}
