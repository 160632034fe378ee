package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.api.openai.Embedding;
import dev.jllm.api.openai.EmbeddingRequest;
import dev.jllm.api.openai.EmbeddingResponse;
import dev.jllm.runtime.model.Embedder;

import java.util.ArrayList;
import java.util.List;

/**
 * Embeddings as llama.cpp's {@code llama-embedding} computes them: each text tokenized with the model's special
 * tokens (BOS as the model says, BERT's [CLS] ... [SEP], special markers parsed) and evaluated by itself (an
 * encoder evaluates several texts in one pass, each attending only to itself, as llama.cpp batches them), then pooled
 * and scaled to unit length (Euclidean, llama.cpp's default {@code --embd-normalize 2}). A decoder averages the
 * final-normed hidden states of its causal pass ({@code --pooling mean}); an encoder (BERT, nomic-bert) pools its
 * bidirectional output as its file's {@code pooling_type} says (mean, CLS or last token).
 */
final class Embeddings {

    private Embeddings() {
    }

    static EmbeddingResponse embed(LocalModel m, EmbeddingRequest request, String shownModel) {
        List<String> inputs = request.input();
        if (inputs == null || inputs.isEmpty()) {
            throw LlmException.invalidParam("input", "nothing to embed");
        }
        Embedder embedder = m.embedder();
        int width = embedder.embeddingLength();
        if (request.dimensions() != null && request.dimensions() != width) {
            throw LlmException.invalidParam("dimensions", m.id() + " embeds in " + width + " dimensions and"
                    + " was not trained for shorter ones (Matryoshka), so it cannot give " + request.dimensions());
        }
        List<int[]> texts = new ArrayList<>(inputs.size());
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
            texts.add(ids);
        }
        List<float[]> vectors = embedder.embedAll(texts);
        List<Embedding> data = new ArrayList<>(inputs.size());
        for (int i = 0; i < vectors.size(); i++) {
            data.add(Embedding.of(i, normalized(vectors.get(i))));
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
