package dev.jllm.runtime.model;

/**
 * BERT ({@code bert}: bge, all-MiniLM, e5): learned position embeddings added to the token embeddings, separate
 * q/k/v projections with biases, and a GELU feed-forward with biases (no gate), as llama.cpp's {@code bert.cpp}.
 */
final class BertEncoder extends Encoder {

    private final float[] row;

    BertEncoder(ModelConfig c, EncoderWeights w, ForwardOps ops) {
        super(c, w, ops);
        this.row = new float[c.embeddingLength()];
    }

    @Override
    void addPosition(int position, float[] x, int off) {
        w.positions().dequantizeRow(position, row, 0);
        ops.kernels.add(row, 0, x, off, row.length);
    }

    @Override
    protected void feedForward(LayerWeights lw, int n) {
        ops.geluFeedForward(lw, n);
    }
}
