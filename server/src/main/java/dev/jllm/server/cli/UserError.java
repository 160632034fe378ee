package dev.jllm.server.cli;

/** A problem the user can fix (bad argument, missing file): printed as one line, without a stack trace. */
final class UserError extends RuntimeException {
    UserError(String message) {
        super(message);
    }
}
