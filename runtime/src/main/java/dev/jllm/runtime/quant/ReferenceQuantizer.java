package dev.jllm.runtime.quant;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * ggml's reference (scalar) quantizers of the types the engine computes with, producing the exact bytes
 * {@code quantize_row_*_ref} produces, so files written with them load in llama.cpp and dequantize as there.
 * Also the float encodings F32 / F16 / BF16, so one call writes a row of any supported type.
 */
public final class ReferenceQuantizer {
    public static final int BLOCK = 32;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ReferenceQuantizer() {
    }

    /** Whether rows of {@code cols} elements can be stored as {@code type}. */
    public static boolean supports(GgmlType type, long cols) {
        return switch (type) {
            case F32, F16, BF16 -> true;
            case Q8_0, Q4_0 -> cols % BLOCK == 0;
            default -> false;
        };
    }

    /**
     * Encodes {@code n} floats from {@code src[off..]} as {@code type} into {@code dst} at byte {@code dstOff};
     * {@code n} must be a multiple of the block size for block types.
     *
     * @throws IllegalArgumentException for a type without a quantizer here or a partial block
     */
    public static void quantize(GgmlType type, float[] src, int off, int n, MemorySegment dst, long dstOff) {
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    dst.set(FLOAT_LE, dstOff + 4L * i, src[off + i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    dst.set(SHORT_LE, dstOff + 2L * i, Float.floatToFloat16(src[off + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    dst.set(SHORT_LE, dstOff + 2L * i, toBf16(src[off + i]));
                }
            }
            case Q8_0 -> blocks(n, b -> q8_0Block(src, off + b * BLOCK, dst, dstOff + 34L * b));
            case Q4_0 -> blocks(n, b -> q4_0Block(src, off + b * BLOCK, dst, dstOff + 18L * b));
            default -> throw new IllegalArgumentException("no quantizer for " + type + " (supported: F32, F16, BF16, Q8_0, Q4_0)");
        }
    }

    private interface BlockTask {
        void run(int block);
    }

    private static void blocks(int n, BlockTask task) {
        if (n % BLOCK != 0) {
            throw new IllegalArgumentException(n + " elements are not a whole number of " + BLOCK + "-element blocks");
        }
        for (int b = 0; b < n / BLOCK; b++) {
            task.run(b);
        }
    }

    /** ggml's fp32 -> bf16: round to nearest even, NaN kept quiet (as {@code ggml_compute_fp32_to_bf16}). */
    static short toBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }

    /** {@code quantize_row_q8_0_ref}: scale = max|x| / 127, values rounded half away from zero. */
    private static void q8_0Block(float[] x, int off, MemorySegment dst, long at) {
        float amax = 0f;
        for (int j = 0; j < BLOCK; j++) {
            amax = Math.max(amax, Math.abs(x[off + j]));
        }
        float d = amax / 127f;
        float id = d != 0f ? 1f / d : 0f;
        dst.set(SHORT_LE, at, Float.floatToFloat16(d));
        for (int j = 0; j < BLOCK; j++) {
            dst.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) roundHalfAway(x[off + j] * id));
        }
    }

    /** {@code quantize_row_q4_0_ref}: scale = (signed value of largest magnitude) / -8, nibbles offset by 8. */
    private static void q4_0Block(float[] x, int off, MemorySegment dst, long at) {
        float amax = 0f;
        float max = 0f;
        for (int j = 0; j < BLOCK; j++) {
            float v = x[off + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8f;
        float id = d != 0f ? 1f / d : 0f;
        dst.set(SHORT_LE, at, Float.floatToFloat16(d));
        for (int j = 0; j < BLOCK / 2; j++) {
            // C's (int8_t)(v + 8.5f) truncates toward zero; the argument is never below 0.5 here
            int lo = Math.min(15, (int) (x[off + j] * id + 8.5f));
            int hi = Math.min(15, (int) (x[off + BLOCK / 2 + j] * id + 8.5f));
            dst.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) (lo | (hi << 4)));
        }
    }

    /** C's {@code roundf}: halves away from zero (Math.round rounds them up). */
    private static int roundHalfAway(float v) {
        return (int) (v < 0 ? -Math.floor(-v + 0.5f) : Math.floor(v + 0.5f));
    }
}
