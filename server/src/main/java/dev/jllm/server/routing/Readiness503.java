package dev.jllm.server.routing;

import dev.jllm.server.admission.Readiness;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ApiException;

import java.time.Duration;

/** Generation requests wait for the start-up models: until they are loaded, such requests get a 503. */
public final class Readiness503 {

    private Readiness503() { }

    public static void check(Readiness readiness) {
        Readiness.Snapshot s = readiness.snapshot();
        switch (s.state()) {
            case READY -> { }
            case LOADING -> throw new ApiException(new ApiError(503, "unavailable_error",
                    "the server is still loading " + String.join(", ", s.loading()), null, "model_loading",
                    Duration.ofSeconds(1)));
            case FAILED -> throw new ApiException(new ApiError(503, "unavailable_error", s.error(), null,
                    "model_load_failed", null));
        }
    }
}
