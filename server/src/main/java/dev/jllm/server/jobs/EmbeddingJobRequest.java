package dev.jllm.server.jobs;

import dev.jllm.api.LlmException;
import dev.jllm.api.json.Json;
import dev.jllm.api.openai.EmbeddingRequest;
import dev.jllm.server.openai.ApiException;
import dev.jllm.server.openai.JsonFields;

import java.util.Set;

/** The {@code request} of an {@code embeddings} job: an OpenAI embedding request, checked before it is queued. */
final class EmbeddingJobRequest {

    private EmbeddingJobRequest() {
    }

    static EmbeddingRequest parse(JsonFields params) {
        JsonFields r = params.nested("request");
        r.allowOnly(Set.of("model", "input", "encoding_format", "dimensions", "user"));
        r.requiredString("model");
        EmbeddingRequest request;
        try {
            request = Json.fromJson(r.object().toString(), EmbeddingRequest.class);
        } catch (LlmException e) {
            throw ApiException.invalid("invalid embedding request: " + e.getMessage(), r.param("input"));
        }
        if (request.input() == null || request.input().isEmpty()) {
            throw ApiException.invalid("'input' must be a string or a non-empty array of strings",
                    r.param("input"));
        }
        return request;
    }
}
