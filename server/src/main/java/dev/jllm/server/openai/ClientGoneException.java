package dev.jllm.server.openai;

/** Writing to a client failed: it disconnected. What it asked for should stop. */
public final class ClientGoneException extends RuntimeException {
    public ClientGoneException(Throwable cause) {
        super("the client disconnected", cause, false, false);
    }
}
