package dev.jllm.api;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an instance reports about itself.
 *
 * @param name         the instance name
 * @param type         the instance type ("openai", "ollama", "lmstudio", "local")
 * @param ready        whether it can answer requests now
 * @param location     where it runs: a base URL for remote instances, "in-process" for local ones
 * @param loadedModels models currently loaded (in memory), where the instance knows; empty otherwise
 * @param details      further facts, free form (e.g. "threads" -> "8")
 */
public record LlmInfo(String name, String type, boolean ready, String location,
                      @JsonbProperty("loaded_models") List<String> loadedModels,
                      Map<String, String> details) {
    public LlmInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        location = location == null ? "" : location;
        loadedModels = loadedModels == null ? List.of() : List.copyOf(loadedModels);
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
