package dev.jllm.runtime.kv;

import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.L;
import static dev.jllm.runtime.tensor.Simd.S_HALF;

import dev.jllm.runtime.tensor.Simd;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;

/**
 * IEEE half-float rows in {@code short[]} pages, rounded to nearest even on store ({@link Float#floatToFloat16},
 * as ggml's F16 conversion). Attention widens {@link Simd#L} halves at a time ({@link Simd#halfToFloat}, exact)
 * and accumulates in float, in the lane order of the F32 vector kernels.
 */
final class F16Rows extends KvRows {

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
            acc = FloatVector.fromArray(F, q, qOff + i).fma(half(p, at + i), acc);
        }
        float sum = Simd.sumLanes(acc);
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
            half(p, at + i).fma(va, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(a, Float.float16ToFloat(p[at + i]), y[yOff + i]);
        }
    }

    private static FloatVector half(short[] p, int at) {
        return Simd.halfToFloat(ShortVector.fromArray(S_HALF, p, at));
    }
}
