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
 * Activations quantized once per token for the integer kernels, in one of two roundings, each llama.cpp's for the
 * same weight types:
 * <ul>
 *   <li>Q8_K ({@link #quantize}, for Q4_K and Q6_K), as ggml's {@code quantize_row_q8_K_ref}: per block of 256
 *   values, {@code d = max / -127} where {@code max} is the value of largest magnitude (the first of equal ones)
 *   and {@code q = min(127, rint(x * (-127 / max)))}, so every {@code q} lies in {@code [-127, 127]}; an all-zero
 *   block has {@code d = 0} and zeros.</li>
 *   <li>Q8_0 ({@link #quantize32}, for Q4_0 and Q8_0), as ggml's x86 {@code quantize_row_q8_0}: per block of 32
 *   values, {@code amax = max |x|}, {@code q = rint(x * (127 / amax))} and {@code d = amax / 127} (kept as a float,
 *   where ggml rounds it to F16). A scale per 32 values bounds each value's rounding by the block's own magnitude:
 *   with one scale per 256, a Q8_0 model's logits moved by more than its weights' own rounding does (bench/README.md).
 *   A block with {@code 127 / amax} beyond the float range (all values below about {@code 4e-37}) is a zero
 *   block; one holding a NaN or an infinity has {@code d = NaN}.</li>
 * </ul>
 * The values are kept in the layout the kernels read: pairs of consecutive values packed into one int (the even one
 * in the low 16 bits, as a 32-bit broadcast puts it in the even 16-bit lanes), the scales ({@link #d} per 256 for
 * Q8_K, NaN in the Q8_0 form so that a kernel reading the wrong one cannot go unnoticed; {@link #d32} per 32 in both,
 * the block's scale repeated for Q8_K) and the sum of the values of every 32-value sub-block (ggml's {@code bsums},
 * per 32 instead of 16), which multiplies Q4_K's sub-block minimums and the packed offsets of Q4_0 and Q8_0.
 *
 * <p>The vector kernels quantize with vector code ({@link #quantize}, {@link #quantize32}), the scalar oracle with
 * scalar code ({@link #quantizeScalar}, {@link #quantize32Scalar}); both give the same integers and scales bit for
 * bit, so a token's result is the same whether it is multiplied alone, in a batch, by the oracle or by the vector
 * kernels.
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
    /** Scale of each block of 256 (Q8_K; NaN in the Q8_0 form). */
    float[] d = new float[0];
    /** Scale of each 32-value sub-block: its own (Q8_0) or its block's (Q8_K). */
    float[] d32 = new float[0];
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
            float m = absMax(x, from, BLOCK);
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
                roundSub(x, off, b * (BLOCK / SUB) + s, iscale);
            }
            d[b] = 1 / iscale;
            java.util.Arrays.fill(d32, b * (BLOCK / SUB), (b + 1) * (BLOCK / SUB), d[b]);
        }
        return this;
    }

    /**
     * Quantizes {@code x[off .. off + cols)} ({@code cols} a multiple of {@link #BLOCK}) in the Q8_0 form, one scale
     * per 32 values, with vector code: the same integers, scales and sums as {@link #quantize32Scalar}, the oracle.
     */
    public Q8KActivations quantize32(float[] x, int off, int cols) {
        size(cols);
        java.util.Arrays.fill(d, 0, cols / BLOCK, Float.NaN);
        for (int s = 0; s < cols / SUB; s++) {
            int from = off + s * SUB;
            float m = absMax(x, from, SUB);
            float iscale = 127f / m;
            if (!(m > 0 && m <= Float.MAX_VALUE) || Float.isInfinite(iscale)) {
                sub32(x, from, s);
                continue;
            }
            // |x * iscale| <= 127 up to one rounding: roundSub's clamp at 127 changes nothing here
            roundSub(x, off, s, iscale);
            d32[s] = m / 127f;
        }
        return this;
    }

    /** The scalar Q8_0-form quantization, the oracle of {@link #quantize32}. */
    public Q8KActivations quantize32Scalar(float[] x, int off, int cols) {
        size(cols);
        java.util.Arrays.fill(d, 0, cols / BLOCK, Float.NaN);
        for (int s = 0; s < cols / SUB; s++) {
            sub32(x, off + s * SUB, s);
        }
        return this;
    }

    /** Sub-block {@code s} of the Q8_0 form from {@code x[from .. from + 32)}, in scalar code. */
    private void sub32(float[] x, int from, int s) {
        float m = 0f;
        for (int j = 0; j < SUB; j++) {
            m = Math.max(m, Math.abs(x[from + j]));
        }
        float iscale = 127f / m;
        boolean finite = m <= Float.MAX_VALUE; // false for NaN and infinity
        boolean usable = finite && m > 0 && !Float.isInfinite(iscale);
        int sum = 0;
        for (int j = 0; j < SUB; j += 2) {
            int q0 = usable ? (int) Math.rint(x[from + j] * iscale) : 0;
            int q1 = usable ? (int) Math.rint(x[from + j + 1] * iscale) : 0;
            int i = s * SUB + j;
            pairs[i / 2] = (q0 & 0xFFFF) | (q1 << 16);
            values[i] = q0;
            values[i + 1] = q1;
            sum += q0 + q1;
        }
        sums[s] = sum;
        subSums[s] = sum;
        d32[s] = usable ? m / 127f : finite ? 0f : Float.NaN;
    }

    /**
     * The largest {@code |x[from + i]|}, {@code i < n} (a multiple of L): NaN if one is NaN. Non-negative floats' bits
     * order as the floats do, NaNs above infinity, so an integer max finds it: one instruction a step where
     * FloatVector.max (Java's NaN and signed-zero rules) is several.
     */
    private static float absMax(float[] x, int from, int n) {
        IntVector amax = IntVector.zero(I);
        for (int i = 0; i < n; i += L) {
            amax = amax.max(FloatVector.fromArray(F, x, from + i).reinterpretAsInts().and(0x7FFFFFFF));
        }
        return Float.intBitsToFloat(amax.reduceLanes(VectorOperators.MAX));
    }

    /**
     * Sub-block {@code s} (values {@code [32 s, 32 s + 32)}, read from {@code x[off + 32 s ..]}) as
     * {@code min(127, rint(x * iscale))}: its values, pairs and sums. Vector code; takes and returns no vectors.
     */
    private void roundSub(float[] x, int off, int s, float iscale) {
        IntVector sum = IntVector.zero(I);
        for (int j = 0; j < SUB; j += L) {
            int i = s * SUB + j;
            // Math.rint by the 1.5 * 2^23 trick: exact for |v| < 2^22, and |v| <= 127 (plus rounding) here
            FloatVector q = FloatVector.fromArray(F, x, off + i).mul(iscale).add(ROUND).sub(ROUND);
            // min(q, 127) written as a compare and blend: the same value for every q (127 is neither NaN nor a zero,
            // whose orderings are what makes FloatVector.min a sequence of instructions: 1.7x this loop's time)
            q = q.blend(127f, q.compare(VectorOperators.GT, 127f));
            q.intoArray(values, i);
            IntVector qi = (IntVector) q.convertShape(VectorOperators.F2I, I, 0);
            sum = sum.add(qi);
            ((ShortVector) qi.convertShape(VectorOperators.I2S, S_HALF, 0)).reinterpretAsInts()
                    .intoArray(pairs, i / 2);
        }
        int total = sum.reduceLanes(VectorOperators.ADD);
        sums[s] = total;
        subSums[s] = total;
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
            d32 = new float[cols / SUB];
            sums = new int[cols / SUB];
            subSums = new float[cols / SUB];
        }
    }

    /** Block {@code b} from {@code x[from .. from + 256)}, in scalar code. */
    private void block(float[] x, int from, int b) {
        float max = Quantizer.signedMax(x, from, BLOCK);
        if (max == 0) {
            d[b] = 0;
            java.util.Arrays.fill(d32, b * BLOCK / SUB, (b + 1) * BLOCK / SUB, 0f);
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
        java.util.Arrays.fill(d32, b * BLOCK / SUB, (b + 1) * BLOCK / SUB, d[b]);
    }

    /** Value {@code i}. */
    public int q(int i) {
        int p = pairs[i >>> 1];
        return (i & 1) == 0 ? (short) p : p >> 16;
    }

    /** Scale of block {@code b} of 256 (Q8_K form; NaN in the Q8_0 form). */
    public float scale(int b) {
        return d[b];
    }

    /** Scale of value {@code i}'s 32-value sub-block, in either form: value {@code i} is {@code scaleOf(i) * q(i)}. */
    public float scaleOf(int i) {
        return d32[i / SUB];
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
