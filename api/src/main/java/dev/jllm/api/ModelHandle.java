package dev.jllm.api;

import java.util.Objects;

/**
 * One model on one instance of one service: what a framework integration needs to send requests.
 *
 * @param service  the service that holds the instance
 * @param instance the instance's name
 * @param model    the model id to put in requests
 */
public record ModelHandle(LlmService service, String instance, String model) {
    public ModelHandle {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(model, "model");
    }
}
