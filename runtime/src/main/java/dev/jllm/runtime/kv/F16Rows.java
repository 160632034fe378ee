package dev.jllm.runtime.kv;

import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.I;
import static dev.jllm.runtime.tensor.Simd.L;
import static dev.jllm.runtime.tensor.Simd.S_HALF;

import dev.jllm.runtime.tensor.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * IEEE half-float rows in {@code short[]} pages, rounded to nearest even on store ({@link Float#floatToFloat16},
 * as ggml's F16 conversion). Attention widens {@link Simd#L} halves at a time ({@link Simd#halfToFloat}, exact)
 * and accumulates in float, in the lane order of the F32 vector kernels.
 *
 * <p>The vector loops write that conversion's steps out for finite halves, and leave the loop for a method of its
 * own (returning a float or nothing, never a vector) at a chunk holding an infinity or a NaN. A helper returning a
 * vector in the loop was left out of line by C2 in some processes and boxed every chunk (four concurrent sequences
 * of tl-Q4_0: 7% of the samples in the boxing conversion, nearly all the heap allocated while decoding); so was a
 * call in a branch never taken whose vector result merged into the loop's (measured 3-5 GB/s against 20 in a probe).
 */
final class F16Rows extends KvRows {

    /** Magnitude bits (placed as in the conversion) from which a half is an infinity or a NaN. */
    private static final int SPECIAL = 0x7C00 << 13;

    F16Rows(boolean vectorized) {
        super(KvType.F16, vectorized);
    }

    @Override
    public void store(float[] src, int srcOff, Object page, int at, int n) {
        short[] p = (short[]) page;
        // a row is written once per token and layer and read at every later step: the scalar intrinsic suffices
        for (int i = 0; i < n; i++) {
            p[at + i] = Float.floatToFloat16(src[srcOff + i]);
        }
    }

    @Override
    public void load(Object page, int at, float[] out, int outOff, int n) {
        short[] p = (short[]) page;
        for (int i = 0; i < n; i++) {
            out[outOff + i] = Float.float16ToFloat(p[at + i]);
        }
    }

    @Override
    public float dot(float[] q, int qOff, Object page, int at, int n) {
        short[] p = (short[]) page;
        if (!vectorized) {
            float sum = 0f;
            for (int i = 0; i < n; i++) {
                sum += q[qOff + i] * Float.float16ToFloat(p[at + i]);
            }
            return sum;
        }
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            // Simd.halfToFloat's steps for finite halves, written out (see the class comment)
            IntVector bits = (IntVector) ShortVector.fromArray(S_HALF, p, at + i).castShape(I, 0);
            IntVector magnitude = bits.lanewise(VectorOperators.LSHL, 13).and(0x0FFFE000);
            if (magnitude.compare(VectorOperators.GE, SPECIAL).anyTrue()) {
                return dotWithSpecials(q, qOff, p, at, n);
            }
            FloatVector k = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                    .or(bits.and(0x80000000)).reinterpretAsFloats();
            acc = FloatVector.fromArray(F, q, qOff + i).fma(k, acc);
        }
        // the fixed lane order of Simd.sumLanes, written out (a call taking the vector could box it)
        acc = acc.add(acc.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD2));
        float sum = acc.add(acc.rearrange(Simd.FOLD1)).lane(0);
        for (; i < n; i++) {
            sum = Math.fma(q[qOff + i], Float.float16ToFloat(p[at + i]), sum);
        }
        return sum;
    }

    /** {@link #dot}'s vector path for a row holding an infinity or a NaN: the same steps, from the start. */
    private static float dotWithSpecials(float[] q, int qOff, short[] p, int at, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector k = Simd.halfToFloat(ShortVector.fromArray(S_HALF, p, at + i));
            acc = FloatVector.fromArray(F, q, qOff + i).fma(k, acc);
        }
        float sum = Simd.sumLanes(acc); // a rare row (only overflowed activations): calls may box here
        for (; i < n; i++) {
            sum = Math.fma(q[qOff + i], Float.float16ToFloat(p[at + i]), sum);
        }
        return sum;
    }

    @Override
    public void axpy(float a, Object page, int at, float[] y, int yOff, int n) {
        short[] p = (short[]) page;
        if (!vectorized) {
            for (int i = 0; i < n; i++) {
                y[yOff + i] += a * Float.float16ToFloat(p[at + i]);
            }
            return;
        }
        FloatVector va = FloatVector.broadcast(F, a);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            IntVector bits = (IntVector) ShortVector.fromArray(S_HALF, p, at + i).castShape(I, 0);
            IntVector magnitude = bits.lanewise(VectorOperators.LSHL, 13).and(0x0FFFE000);
            if (magnitude.compare(VectorOperators.GE, SPECIAL).anyTrue()) {
                axpyWithSpecials(a, p, at, y, yOff, n, i);
                return;
            }
            FloatVector v = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                    .or(bits.and(0x80000000)).reinterpretAsFloats();
            v.fma(va, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(a, Float.float16ToFloat(p[at + i]), y[yOff + i]);
        }
    }

    /**
     * {@link #axpy}'s vector path from element {@code from} (a multiple of {@link Simd#L}) on, for a row holding an
     * infinity or a NaN there or later: the same steps (each element is updated on its own, so continuing is exact).
     */
    private static void axpyWithSpecials(float a, short[] p, int at, float[] y, int yOff, int n, int from) {
        FloatVector va = FloatVector.broadcast(F, a);
        int i = from;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            Simd.halfToFloat(ShortVector.fromArray(S_HALF, p, at + i)).fma(va, FloatVector.fromArray(F, y, yOff + i))
                    .intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(a, Float.float16ToFloat(p[at + i]), y[yOff + i]);
        }
    }
}
