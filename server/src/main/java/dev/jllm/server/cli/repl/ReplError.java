package dev.jllm.server.cli.repl;

/** Something the user typed cannot be done (unknown command, bad value): one line, and the chat goes on. */
public final class ReplError extends RuntimeException {
    public ReplError(String message) {
        super(message);
    }
}
