package dev.jllm.bench;

import java.util.Locale;

/**
 * The dimensions of a Llama-family model; the vocabulary comes from the tokenizer the synthetic model borrows.
 *
 * @param width   embedding length
 * @param blocks  transformer blocks
 * @param ff      feed-forward length
 * @param heads   attention heads
 * @param kvHeads key/value heads (grouped-query attention)
 * @param context training context length
 */
record ModelShape(String name, int width, int blocks, int ff, int heads, int kvHeads, int context) {

    /** TinyLlama-1.1B: 2048 wide, 22 blocks, 5632 FFN, 32 heads over 4 KV heads of 64, context 2048. */
    static final ModelShape TINYLLAMA = new ModelShape("tinyllama", 2048, 22, 5632, 32, 4, 2048);

    /** A quarter of TinyLlama's width and depth, for quick runs. */
    static final ModelShape SMALL = new ModelShape("small", 512, 6, 1408, 8, 2, 2048);

    /** Toy dimensions for tests of the tools themselves. */
    static final ModelShape TOY = new ModelShape("toy", 64, 2, 128, 4, 2, 256);

    static ModelShape named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "tinyllama" -> TINYLLAMA;
            case "small" -> SMALL;
            case "toy" -> TOY;
            default -> throw new IllegalArgumentException("unknown shape '" + name + "' (tinyllama, small, toy)");
        };
    }

    int headDim() {
        return width / heads;
    }

    /** Parameters of the matrices (embedding and output included), for the log line. */
    long parameters(int vocab) {
        long kv = (long) kvHeads * headDim();
        long block = (long) width * width * 2 + 2 * width * kv + 3L * width * ff;
        return blocks * block + 2L * vocab * width;
    }
}
