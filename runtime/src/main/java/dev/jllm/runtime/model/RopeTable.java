package dev.jllm.runtime.model;

/**
 * The RoPE cosines and sines of one {@link Rope} for every token of a micro-batch ({@code [token][dims]}),
 * filled once per micro-batch and read by every layer that uses this RoPE.
 */
final class RopeTable {

    final Rope rope;
    float[] cos = new float[0];
    float[] sin = new float[0];

    RopeTable(Rope rope) {
        this.rope = rope;
    }

    void fill(int[] positions, int n) {
        int dims = rope.dims();
        if (cos.length < n * dims) {
            cos = new float[n * dims];
            sin = new float[n * dims];
        }
        for (int t = 0; t < n; t++) {
            rope.fill(positions[t], cos, sin, t * dims);
        }
    }
}
