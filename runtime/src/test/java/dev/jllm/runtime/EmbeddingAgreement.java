package dev.jllm.runtime;

import jakarta.json.JsonArray;

/**
 * How close an embedding is to a reference vector (llama.cpp's, read from JSON): the cosine, the largest difference
 * in one value, and the embedding's Euclidean length.
 */
public record EmbeddingAgreement(double cosine, double maxDiff, double norm) {

    public static EmbeddingAgreement of(float[] got, JsonArray want) {
        if (got.length != want.size()) {
            throw new AssertionError("the embedding has " + got.length + " values, the reference " + want.size());
        }
        double dot = 0, a = 0, b = 0, maxDiff = 0;
        for (int k = 0; k < got.length; k++) {
            double w = want.getJsonNumber(k).doubleValue();
            dot += got[k] * w;
            a += (double) got[k] * got[k];
            b += w * w;
            maxDiff = Math.max(maxDiff, Math.abs(got[k] - w));
        }
        return new EmbeddingAgreement(dot / Math.sqrt(a * b), maxDiff, Math.sqrt(a));
    }
}
