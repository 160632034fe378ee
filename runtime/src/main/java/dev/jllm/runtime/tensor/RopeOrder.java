package dev.jllm.runtime.tensor;

/**
 * Which elements of a head RoPE rotates together (llama.cpp's {@code llama_rope_type}).
 * Pair {@code i} is rotated by the angle of frequency {@code i} in both orders.
 */
public enum RopeOrder {
    /** llama.cpp "normal": adjacent elements {@code (2i, 2i+1)}; GGUF llama checkpoints are permuted for it. */
    NORMAL,
    /** GPT-NeoX "rotate half": elements {@code (i, i + dims/2)}; used by qwen2 and qwen3. */
    NEOX;

    /** The element rotated together with element {@code j} (of the first {@code ropeDims} of a head). */
    public int partner(int j, int ropeDims) {
        return switch (this) {
            case NORMAL -> j ^ 1;
            case NEOX -> j < ropeDims / 2 ? j + ropeDims / 2 : j - ropeDims / 2;
        };
    }

    /** The pair (frequency) index of element {@code j}. */
    public int pairIndex(int j, int ropeDims) {
        return switch (this) {
            case NORMAL -> j >> 1;
            case NEOX -> j < ropeDims / 2 ? j : j - ropeDims / 2;
        };
    }

    /** Whether element {@code j} is the first of its pair (rotated by {@code -sin}). */
    public boolean isFirstOfPair(int j, int ropeDims) {
        return switch (this) {
            case NORMAL -> (j & 1) == 0;
            case NEOX -> j < ropeDims / 2;
        };
    }
}
