package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;

/** The answer to {@link EmbeddingRequest}: one {@link Embedding} per input, in order; {@code object} is "list". */
public record EmbeddingResponse(String object, List<Embedding> data, String model, Usage usage) {

    public EmbeddingResponse {
        data = data == null ? List.of() : List.copyOf(data);
    }

    public static EmbeddingResponse of(List<Embedding> data, String model, int promptTokens) {
        return new EmbeddingResponse("list", data, model, new Usage(promptTokens, promptTokens));
    }

    /** Token counts: embeddings have no completion. */
    public record Usage(@JsonbProperty("prompt_tokens") int promptTokens,
                        @JsonbProperty("total_tokens") int totalTokens) { }
}
