package dev.jllm.api;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.Objects;

/**
 * The model chat requests go to when they name no instance: a model id served by a named instance.
 *
 * @param modelId     the model id as the instance knows it (e.g. "gpt-4o-mini", "llama3.2:1b")
 * @param provider    the instance type ("openai", "ollama", "lmstudio", "local")
 * @param serviceName the name of the instance in the {@link LlmService}
 */
public record CurrentModel(@JsonbProperty("model_id") String modelId, String provider,
                           @JsonbProperty("service_name") String serviceName) {
    public CurrentModel {
        requireText(modelId, "modelId");
        requireText(provider, "provider");
        requireText(serviceName, "serviceName");
    }

    private static void requireText(String s, String what) {
        if (Objects.requireNonNull(s, what).isBlank()) {
            throw LlmException.invalid(what + " must not be blank");
        }
    }
}
