package dev.jllm.api.openai;

import java.util.List;

/** {@code GET /v1/models} answer: {@code {"object":"list","data":[...]}}. */
public record ModelList(String object, List<Model> data) {

    public ModelList {
        data = data == null ? List.of() : List.copyOf(data);
    }

    public static ModelList of(List<Model> models) {
        return new ModelList("list", models);
    }
}
