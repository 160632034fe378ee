package dev.jllm.runtime.model;

/**
 * Activation buffers of a forward pass, token-major ({@code [token][width]}), reused across passes and
 * grown only when a larger micro-batch arrives, so that steady-state decoding allocates nothing here.
 */
final class ForwardBuffers {

    private final ModelConfig c;
    private int capacity;

    float[] x;       // residual stream       [n][width]
    float[] xb;      // normed input          [n][width]
    float[] xb2;     // block output          [n][width]
    float[] q;       // queries               [n][heads * keyLength]
    float[] k;       // keys                  [n][kvHeads * keyLength]
    float[] v;       // values                [n][kvHeads * valueLength]
    float[] att;     // attention output      [n][heads * valueLength]
    float[] hb;      // FFN gate, then GLU    [n][ff]
    float[] hb2;     // FFN up                [n][ff]

    ForwardBuffers(ModelConfig c) {
        this.c = c;
    }

    void ensure(int n) {
        if (n <= capacity) {
            return;
        }
        int w = c.embeddingLength();
        x = new float[n * w];
        xb = new float[n * w];
        xb2 = new float[n * w];
        q = new float[n * c.queryWidth()];
        k = new float[n * c.keyWidth()];
        v = new float[n * c.valueWidth()];
        att = new float[n * c.headCount() * c.valueLength()];
        hb = new float[n * c.maxFeedForwardLength()];
        hb2 = new float[n * c.maxFeedForwardLength()];
        capacity = n;
    }
}
