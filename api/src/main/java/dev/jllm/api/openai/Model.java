package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;

/**
 * One entry of {@code GET /v1/models}; {@code object} is "model", created is in Unix seconds. {@code loaded} is
 * jllm's addition for engines that list models they can serve beside the ones in memory (null, and left out of
 * the JSON, where an instance does not know).
 */
public record Model(String id, String object, long created, @JsonbProperty("owned_by") String ownedBy,
                    Boolean loaded) {

    public static Model of(String id, long created, String ownedBy) {
        return new Model(id, "model", created, ownedBy, null);
    }

    /** A model of an engine that knows whether it is in memory now. */
    public static Model of(String id, long created, String ownedBy, boolean loaded) {
        return new Model(id, "model", created, ownedBy, loaded);
    }
}
