package dev.jllm.runtime.model;

/**
 * How a BERT-like family computes its blocks from the shared {@link ForwardOps}, as llama.cpp's {@code bert.cpp}
 * graph: bidirectional attention over the whole text (scores scaled by 1/sqrt(head width)), its output plus the
 * block input LayerNormed ({@code attn_output_norm}), then the feed-forward plus that LayerNormed again
 * ({@code layer_output_norm}): post-norm residuals. A family says where positions come in (learned rows or RoPE)
 * and which feed-forward it uses. {@link EncoderModel} runs the embeddings and pooling.
 */
abstract class Encoder {

    protected final ModelConfig c;
    protected final EncoderWeights w;
    protected final ForwardOps ops;
    private final float scale;

    Encoder(ModelConfig c, EncoderWeights w, ForwardOps ops) {
        this.c = c;
        this.w = w;
        this.ops = ops;
        this.scale = (float) (1.0 / Math.sqrt(c.keyLength()));
    }

    static Encoder of(ModelConfig c, EncoderWeights w, ForwardOps ops) {
        return switch (c.architecture()) {
            case BERT -> new BertEncoder(c, w, ops);
            case NOMIC_BERT -> new NomicBertEncoder(c, w, ops);
            default -> throw new IllegalArgumentException(c.architecture().ggufName() + " is not an encoder");
        };
    }

    /** Adds what the family adds to the input embedding at {@code x[off ..]} of a token at {@code position}. */
    void addPosition(int position, float[] x, int off) {
    }

    /** A token's input at {@code x[off ..]}: its embedding, plus the first token-type row and the family's position term. */
    final void input(int token, int position, float[] x, int off) {
        w.tokenEmbedding().dequantizeRow(token, x, off);
        if (w.typeRow() != null) {
            ops.kernels.add(w.typeRow(), 0, x, off, c.embeddingLength());
        }
        addPosition(position, x, off);
    }

    /**
     * Before the blocks, once the {@code n} tokens' inputs are in {@code x}: the embedding LayerNorm, then what the
     * family needs for these positions (RoPE tables).
     */
    void prepare(int[] positions, int n) {
        ops.layerNormRows(ops.b.x, w.embedNorm(), w.embedNormBias(), n);
    }

    /** Positions into q and k after the projection (nothing by default). */
    protected void rotate(LayerWeights lw, int n) {
    }

    /** The block's feed-forward from {@code xb} into {@code xb2}. */
    protected abstract void feedForward(LayerWeights lw, int n);

    /**
     * Block {@code l} over the residual stream {@code x} of all {@code n} tokens; token {@code t} belongs to the
     * text of tokens {@code [first[t], end[t])}.
     */
    final void layer(int l, int n, int[] first, int[] end) {
        EncoderLayer layer = w.layers()[l];
        LayerWeights lw = layer.core();
        ForwardBuffers b = ops.b;
        int size = n * c.embeddingLength();
        System.arraycopy(b.x, 0, b.xb, 0, size);
        ops.projectQkv(lw, n);
        rotate(lw, n);
        ops.attendAll(n, first, end, scale);
        ops.attentionOutput(lw, n);
        ops.addToResidual(1f, n);
        ops.layerNormRows(b.x, layer.attnOutNorm(), layer.attnOutNormBias(), n);
        System.arraycopy(b.x, 0, b.xb, 0, size);
        feedForward(lw, n);
        ops.addToResidual(1f, n);
        ops.layerNormRows(b.x, layer.outNorm(), layer.outNormBias(), n);
    }
}
