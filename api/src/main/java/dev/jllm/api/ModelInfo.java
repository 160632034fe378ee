package dev.jllm.api;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.Objects;

/**
 * A model as {@link LlmService#serve} leaves it: served and ready for requests.
 *
 * @param id       the model id to put in requests
 * @param instance the instance that serves it
 * @param provider the instance's type ("local", "openai", ...)
 * @param ownedBy  who the instance says owns it (OpenAI's {@code owned_by}), or null
 * @param seconds  how long serving took (pull and load), in seconds
 */
public record ModelInfo(String id, String instance, String provider, @JsonbProperty("owned_by") String ownedBy,
                        double seconds) {
    public ModelInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(provider, "provider");
    }
}
