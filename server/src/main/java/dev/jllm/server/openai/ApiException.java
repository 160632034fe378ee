package dev.jllm.server.openai;

import java.util.Objects;

/** Thrown where a request is refused, carrying the answer; the routing's error handler sends it. */
public final class ApiException extends RuntimeException {

    private final ApiError error;

    public ApiException(ApiError error) {
        super(Objects.requireNonNull(error, "error").message(), null, false, false);
        this.error = error;
    }

    public ApiError error() {
        return error;
    }

    public static ApiException invalid(String message, String param) {
        return new ApiException(ApiError.invalid(message, param));
    }
}
