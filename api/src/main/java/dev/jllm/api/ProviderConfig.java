package dev.jllm.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A config of any SPI-registered type as its type and string options, for code that does not have the type's own
 * config class: e.g. {@code new ProviderConfig("jlama", Map.of("model", "owner/repo"))} from a proxy client whose
 * server has the jlama module. The factory for the type checks the options when it creates the instance; the
 * {@link #toMap()} / {@link LlmConfig#fromMap} round trip gives the factory's own record where it is registered.
 *
 * @param type    the instance type, lower case
 * @param options the options as {@link LlmConfig#fromMap} takes them
 */
public record ProviderConfig(String type, Map<String, String> options) implements EngineConfig {

    public ProviderConfig {
        if (type == null || type.isBlank()) {
            throw LlmException.invalid("instance type is missing");
        }
        type = type.strip().toLowerCase(java.util.Locale.ROOT);
        options = options == null ? Map.of() : Map.copyOf(new TreeMap<>(options));
    }

    @Override
    public Map<String, String> toMap() {
        return new LinkedHashMap<>(new TreeMap<>(options));
    }
}
