package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.I;
import static dev.jllm.runtime.tensor.Simd.L;
import static dev.jllm.runtime.tensor.Simd.S_HALF;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Activations quantized once per token for the integer kernels, as ggml's {@code quantize_row_q8_K_ref}: per
 * block of 256 values, {@code d = max / -127} where {@code max} is the value of largest magnitude (the first of
 * equal ones) and {@code q = min(127, rint(x * (-127 / max)))}, so every {@code q} lies in {@code [-127, 127]}; an
 * all-zero block has {@code d = 0} and zeros. The values are kept in the layout the kernels read: pairs of
 * consecutive values packed into one int (the even one in the low 16 bits, as a 32-bit broadcast puts it in the
 * even 16-bit lanes), one float scale per block and the sum of the values of every 32-value sub-block (ggml's
 * {@code bsums}, per 32 instead of 16), which multiplies the sub-block minimums.
 *
 * <p>The vector kernels quantize with vector code ({@link #quantize}), the scalar oracle with scalar code
 * ({@link #quantizeScalar}); both give the same integers and scales bit for bit, so a token's result is the same
 * whether it is multiplied alone, in a batch, by the oracle or by the vector kernels.
 */
public final class Q8KActivations {

    /** Values per block. */
    public static final int BLOCK = 256;
    /** Values per sub-block (one sum each). */
    public static final int SUB = 32;

    private static final ThreadLocal<Q8KActivations[]> SCRATCH = ThreadLocal.withInitial(() -> new Q8KActivations[0]);

    int cols;
    /** {@code (q[2i] & 0xFFFF) | q[2i + 1] << 16}. */
    int[] pairs = new int[0];
    /** The same values as floats (exact: small integers), for the several-token path of {@link PackedRows}. */
    float[] values = new float[0];
    /** Scale of each block. */
    float[] d = new float[0];
    /** Sum of each sub-block's values. */
    int[] sums = new int[0];
    /** The same sums as floats (exact), the activations of Q4_K's minimums in the several-token path. */
    float[] subSums = new float[0];

    /**
     * Quantizes {@code x[off .. off + cols)} ({@code cols} a multiple of {@link #BLOCK}) into this buffer, with vector
     * code: the same integers, scales and sums as {@link #quantizeScalar}, the oracle ({@code IntegerKernelTest}).
     */
    public Q8KActivations quantize(float[] x, int off, int cols) {
        size(cols);
        for (int b = 0; b < cols / BLOCK; b++) {
            int from = off + b * BLOCK;
            FloatVector amax = FloatVector.zero(F);
            for (int i = 0; i < BLOCK; i += L) {
                amax = amax.max(FloatVector.fromArray(F, x, from + i).abs());
            }
            float m = amax.reduceLanes(VectorOperators.MAX);
            if (!(m > 0 && m <= Float.MAX_VALUE)) {
                // zero, infinite or NaN values: the scalar rules, rare enough not to matter
                block(x, from, b);
                continue;
            }
            // the first value of that magnitude sets the sign, as in the scalar search
            int first = 0;
            for (int i = 0; ; i += L) {
                int lane = FloatVector.fromArray(F, x, from + i).abs().compare(VectorOperators.EQ, m).firstTrue();
                if (lane < L) {
                    first = i + lane;
                    break;
                }
            }
            float iscale = -127f / x[from + first];
            if (Float.isInfinite(iscale)) {
                // a block of subnormals: the scalar rules (which overflow as ggml's do)
                block(x, from, b);
                continue;
            }
            for (int s = 0; s < BLOCK / SUB; s++) {
                IntVector sum = IntVector.zero(I);
                for (int j = 0; j < SUB; j += L) {
                    int i = b * BLOCK + s * SUB + j;
                    // Math.rint by the 1.5 * 2^23 trick: exact for |v| < 2^22, and |v| <= 127 (plus rounding) here
                    FloatVector v = FloatVector.fromArray(F, x, off + i).mul(iscale);
                    FloatVector q = v.add(ROUND).sub(ROUND).min(127f);
                    q.intoArray(values, i);
                    IntVector qi = (IntVector) q.convert(VectorOperators.F2I, 0);
                    sum = sum.add(qi);
                    ((ShortVector) qi.convertShape(VectorOperators.I2S, S_HALF, 0)).reinterpretAsInts()
                            .intoArray(pairs, i / 2);
                }
                int total = sum.reduceLanes(VectorOperators.ADD);
                sums[b * (BLOCK / SUB) + s] = total;
                subSums[b * (BLOCK / SUB) + s] = total;
            }
            d[b] = 1 / iscale;
        }
        return this;
    }

    /** {@code 1.5 * 2^23}: added and taken off again, it rounds a float below 2^22 to an integer, half to even. */
    private static final float ROUND = 0x1.8p23f;

    /** The scalar quantization: ggml's {@code quantize_row_q8_K_ref}, the oracle of {@link #quantize}. */
    public Q8KActivations quantizeScalar(float[] x, int off, int cols) {
        size(cols);
        for (int b = 0; b < cols / BLOCK; b++) {
            block(x, off + b * BLOCK, b);
        }
        return this;
    }

    private void size(int cols) {
        if (cols % BLOCK != 0) {
            throw new IllegalArgumentException("Q8_K activations need a multiple of " + BLOCK + " values, got " + cols);
        }
        this.cols = cols;
        if (pairs.length < cols / 2) {
            pairs = new int[cols / 2];
            values = new float[cols];
            d = new float[cols / BLOCK];
            sums = new int[cols / SUB];
            subSums = new float[cols / SUB];
        }
    }

    /** Block {@code b} from {@code x[from .. from + 256)}, in scalar code. */
    private void block(float[] x, int from, int b) {
        float max = Quantizer.signedMax(x, from, BLOCK);
        if (max == 0) {
            d[b] = 0;
            java.util.Arrays.fill(pairs, b * BLOCK / 2, (b + 1) * BLOCK / 2, 0);
            java.util.Arrays.fill(values, b * BLOCK, (b + 1) * BLOCK, 0f);
            java.util.Arrays.fill(sums, b * BLOCK / SUB, (b + 1) * BLOCK / SUB, 0);
            java.util.Arrays.fill(subSums, b * BLOCK / SUB, (b + 1) * BLOCK / SUB, 0f);
            return;
        }
        float iscale = -127f / max;
        for (int s = 0; s < BLOCK / SUB; s++) {
            int sum = 0;
            for (int j = 0; j < SUB; j += 2) {
                int i = from + s * SUB + j;
                int q0 = Math.min(127, (int) Math.rint(iscale * x[i]));
                int q1 = Math.min(127, (int) Math.rint(iscale * x[i + 1]));
                pairs[(b * BLOCK + s * SUB + j) / 2] = (q0 & 0xFFFF) | (q1 << 16);
                values[b * BLOCK + s * SUB + j] = q0;
                values[b * BLOCK + s * SUB + j + 1] = q1;
                sum += q0 + q1;
            }
            sums[b * (BLOCK / SUB) + s] = sum;
            subSums[b * (BLOCK / SUB) + s] = sum;
        }
        d[b] = 1 / iscale;
    }

    /** Value {@code i}. */
    public int q(int i) {
        int p = pairs[i >>> 1];
        return (i & 1) == 0 ? (short) p : p >> 16;
    }

    /** Scale of block {@code b}. */
    public float scale(int b) {
        return d[b];
    }

    /** Sum of the values of sub-block {@code s} (values {@code [32 s, 32 s + 32)}). */
    public int subSum(int s) {
        return sums[s];
    }

    /** This thread's buffers for {@code n} tokens (reused between calls; contents undefined). */
    static Q8KActivations[] scratch(int n) {
        Q8KActivations[] a = SCRATCH.get();
        if (a.length < n) {
            Q8KActivations[] grown = java.util.Arrays.copyOf(a, n);
            for (int i = a.length; i < n; i++) {
                grown[i] = new Q8KActivations();
            }
            SCRATCH.set(grown);
            a = grown;
        }
        return a;
    }
}
