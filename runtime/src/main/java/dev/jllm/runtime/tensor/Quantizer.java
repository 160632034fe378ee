package dev.jllm.runtime.tensor;

import dev.jllm.models.gguf.GgmlType;
import java.util.List;

/**
 * Float to file-layout conversion for every weight type with kernels; each type's encoder lives beside its
 * decoder (the {@code encode} of its tensor class, {@link KScales#quantize} for Q4_K and Q5_K), this class picks
 * it and holds what the encoders share. All round to nearest: the 32-element
 * types follow ggml's reference quantizers ({@code quantize_row_*_ref}) exactly; the k-quants use a plain
 * round-to-nearest choice of scales and minimums (Q2_K also tries the two nearest 4-bit ones; ggml's reference
 * searches for slightly better ones, the layout is the same); IQ4_NL and IQ4_XS pick each scale by a small
 * least-squares search (ggml's reference also weighs the elements). Used to write synthetic models and test
 * data, by {@code jllm convert} and by load-time quantization ({@code --quantize}).
 */
public final class Quantizer {

    /** The types {@link #quantize} writes (those with kernels). */
    public static final List<GgmlType> SUPPORTED = WeightTensor.SUPPORTED;

    private Quantizer() {}

    /** Whether rows of {@code cols} elements can be written as {@code type} (a supported type, whole blocks). */
    public static boolean supports(GgmlType type, long cols) {
        return SUPPORTED.contains(type) && cols % type.blockSize() == 0;
    }

    /** {@code values} (a whole number of blocks) in the file layout of {@code type}. */
    public static byte[] quantize(GgmlType type, float[] values) {
        byte[] out = new byte[Math.toIntExact(type.byteSize(values.length))];
        quantize(type, values, 0, values.length, out, 0);
        return out;
    }

    /**
     * Writes {@code n} values from {@code src[srcOff ..]} ({@code n} a multiple of the block size) to
     * {@code dst[dstOff ..]} in the file layout of {@code type}.
     */
    public static void quantize(GgmlType type, float[] src, int srcOff, int n, byte[] dst, int dstOff) {
        int block = type.blockSize();
        if (n % block != 0) {
            throw new IllegalArgumentException(type + " needs a multiple of " + block + " values, got " + n);
        }
        int bytes = type.typeSize();
        for (int b = 0; b < n / block; b++) {
            int s = srcOff + b * block;
            int d = dstOff + b * bytes;
            switch (type) {
                case F32 -> putInt(dst, d, Float.floatToRawIntBits(src[s]));
                case F16 -> putShort(dst, d, Float.floatToFloat16(src[s]));
                case BF16 -> putShort(dst, d, toBf16(src[s]));
                case Q8_0 -> Q8_0Tensor.encode(src, s, dst, d);
                case Q4_0 -> Q4_0Tensor.encode(src, s, dst, d);
                case Q4_1 -> Q4_1Tensor.encode(src, s, dst, d);
                case Q5_0 -> Q5_0Tensor.encode(src, s, dst, d);
                case Q5_1 -> Q5_1Tensor.encode(src, s, dst, d);
                case Q2_K -> Q2_KTensor.encode(src, s, dst, d);
                case Q3_K -> Q3_KTensor.encode(src, s, dst, d);
                case Q4_K -> KScales.quantize(src, s, dst, d, 15, false);
                case Q5_K -> KScales.quantize(src, s, dst, d, 31, true);
                case Q6_K -> Q6_KTensor.encode(src, s, dst, d);
                case IQ4_NL -> IQ4_NLTensor.encode(src, s, dst, d);
                case IQ4_XS -> IQ4_XSTensor.encode(src, s, dst, d);
                default -> throw new IllegalArgumentException("no quantizer for " + type + " (supported: "
                        + SUPPORTED + ")");
            }
        }
    }

    /** Round to nearest even, as ggml converts finite floats to bfloat16; NaN stays a quiet NaN. */
    static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((bits >>> 16) | 64);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** C's {@code roundf}: halves away from zero. */
    static int roundHalfAway(float v) {
        int r = Math.round(Math.abs(v));
        return v < 0 ? -r : r;
    }

    static void putShort(byte[] b, int at, short v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    static void putInt(byte[] b, int at, int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    /**
     * The header of a 32-value block with a minimum (Q4_1, Q5_1: {@code quantize_row_q4_1_ref}): writes
     * {@code d = (max - min) / levels} and {@code min} as F16 at {@code out[at ..]}; returns {@code min} and
     * {@code 1 / d} (0 when {@code d} is 0).
     */
    static float[] minBlockHeader(float[] x, int s, float levels, byte[] out, int at) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < 32; j++) {
            min = Math.min(min, x[s + j]);
            max = Math.max(max, x[s + j]);
        }
        float d = (max - min) / levels;
        putShort(out, at, Float.floatToFloat16(d));
        putShort(out, at + 2, Float.floatToFloat16(min));
        return new float[] {min, d != 0 ? 1f / d : 0f};
    }

    /** The value of largest magnitude (the first of equal ones), with its sign. */
    static float signedMax(float[] x, int from, int n) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < n; j++) {
            float v = x[from + j];
            if (Math.abs(v) > amax) {
                amax = Math.abs(v);
                max = v;
            }
        }
        return max;
    }

    /**
     * {@code steps[k]} = the signed value of largest magnitude of the 16-element sub-block {@code k} divided by
     * {@code divisor}; returns the step of largest magnitude, with its sign (the first of equal ones).
     */
    static float subBlockSteps(float[] x, int s, float divisor, float[] steps) {
        float maxStep = 0;
        float signedMaxStep = 0;
        for (int k = 0; k < 16; k++) {
            steps[k] = signedMax(x, s + 16 * k, 16) / divisor;
            if (Math.abs(steps[k]) > maxStep) {
                maxStep = Math.abs(steps[k]);
                signedMaxStep = steps[k];
            }
        }
        return signedMaxStep;
    }

    /**
     * The asymmetric ranges of {@code count} sub-blocks of {@code width} values from {@code x[s]}: over
     * {@code [min(0, lo), max(0, hi)]}, {@code steps[k] = (hi - lo) / levels} and {@code mins[k] = -lo}. Returns the
     * largest step and the largest minimum, which the super-block's {@code d} and {@code dmin} scale.
     */
    static float[] subBlockRanges(float[] x, int s, int count, int width, float levels, float[] steps, float[] mins) {
        float maxStep = 0;
        float maxMin = 0;
        for (int k = 0; k < count; k++) {
            float lo = 0;
            float hi = 0;
            for (int l = 0; l < width; l++) {
                lo = Math.min(lo, x[s + width * k + l]);
                hi = Math.max(hi, x[s + width * k + l]);
            }
            steps[k] = (hi - lo) / levels;
            mins[k] = -lo;
            maxStep = Math.max(maxStep, steps[k]);
            maxMin = Math.max(maxMin, mins[k]);
        }
        return new float[] {maxStep, maxMin};
    }
}
