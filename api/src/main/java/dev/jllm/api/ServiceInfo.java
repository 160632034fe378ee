package dev.jllm.api;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;
import java.util.Objects;

/**
 * What a whole {@link LlmService} reports: its mode, the current model and every instance.
 *
 * @param mode         "main" for an in-process service, "proxy" for one that forwards to a server
 * @param currentModel the current model, or null when none is set
 * @param instances    one entry per instance, sorted by name
 */
public record ServiceInfo(String mode, @JsonbProperty("current_model") CurrentModel currentModel,
                          List<LlmInfo> instances) {
    public ServiceInfo {
        Objects.requireNonNull(mode, "mode");
        instances = instances == null ? List.of() : List.copyOf(instances);
    }
}
