package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;

/** One entry of {@code GET /v1/models}; {@code object} is "model", created is in Unix seconds. */
public record Model(String id, String object, long created, @JsonbProperty("owned_by") String ownedBy) {

    public static Model of(String id, long created, String ownedBy) {
        return new Model(id, "model", created, ownedBy);
    }
}
