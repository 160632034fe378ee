package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.api.openai.Embedding;
import dev.jllm.api.openai.EmbeddingRequest;
import dev.jllm.api.openai.EmbeddingResponse;

import java.util.ArrayList;
import java.util.List;

/**
 * Embeddings of a decoder model, as llama.cpp's {@code llama-embedding --pooling mean} computes them: each text
 * tokenized with the model's special tokens (BOS as the model says, special markers parsed), evaluated as one
 * causal sequence, the final-normed hidden states of all its tokens averaged, then scaled to unit length
 * (Euclidean, llama.cpp's default {@code --embd-normalize 2}).
 */
final class Embeddings {

    private Embeddings() {
    }

    static EmbeddingResponse embed(LocalModel m, EmbeddingRequest request, String shownModel) {
        List<String> inputs = request.input();
        if (inputs == null || inputs.isEmpty()) {
            throw LlmException.invalidParam("input", "nothing to embed");
        }
        int width = m.network().config().embeddingLength();
        if (request.dimensions() != null && request.dimensions() != width) {
            throw LlmException.invalidParam("dimensions", m.id() + " embeds in " + width + " dimensions and"
                    + " was not trained for shorter ones (Matryoshka), so it cannot give " + request.dimensions());
        }
        List<Embedding> data = new ArrayList<>(inputs.size());
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            int[] ids = m.tokenizer().encode(inputs.get(i), true, true);
            if (ids.length == 0) {
                throw LlmException.invalidParam("input[" + i + "]", "it has no tokens (empty text)");
            }
            if (ids.length > m.contextSize()) {
                throw new LlmException(LlmException.Kind.CONTEXT_LENGTH_EXCEEDED, "input[" + i + "] has "
                        + ids.length + " tokens; the model's context is " + m.contextSize());
            }
            tokens += ids.length;
            data.add(Embedding.of(i, normalized(m.network().meanPooled(ids))));
        }
        return EmbeddingResponse.of(data, shownModel, tokens);
    }

    /** {@code v} scaled to unit Euclidean length (a zero vector stays zero). */
    static float[] normalized(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        double norm = Math.sqrt(sum);
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / norm);
            }
        }
        return v;
    }
}
