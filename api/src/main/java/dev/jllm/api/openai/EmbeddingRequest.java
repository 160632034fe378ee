package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbTypeDeserializer;

import java.util.List;

/**
 * {@code POST /v1/embeddings}: one or several texts to embed together.
 *
 * @param input          one string or a list of strings (OpenAI's token-array inputs are refused by the server)
 * @param encodingFormat "float" (default) or "base64" (little-endian float32, as OpenAI sends it)
 * @param dimensions     keep only the first N dimensions (re-normalized), where the model allows it
 */
public record EmbeddingRequest(String model,
                               @JsonbTypeDeserializer(StringOrListDeserializer.class) List<String> input,
                               @JsonbProperty("encoding_format") String encodingFormat,
                               Integer dimensions,
                               String user) {

    public EmbeddingRequest {
        input = input == null ? null : List.copyOf(input);
    }

    public static EmbeddingRequest of(String model, List<String> input) {
        return new EmbeddingRequest(model, input, null, null, null);
    }
}
