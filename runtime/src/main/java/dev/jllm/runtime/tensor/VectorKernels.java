package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/** Vector API versions of {@link Kernels}; tails shorter than a vector fall back to scalar code. */
public final class VectorKernels implements Kernels {

    static final VectorKernels INSTANCE = new VectorKernels();

    /** Swaps adjacent lanes (0 1 2 3 ... -> 1 0 3 2 ...): the partner of each element in NORMAL RoPE. */
    private static final VectorShuffle<Float> SWAP_PAIRS = VectorShuffle.fromOp(F, i -> i ^ 1);

    private VectorKernels() {}

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            acc = FloatVector.fromArray(F, a, aOff + i).fma(FloatVector.fromArray(F, b, bOff + i), acc);
        }
        acc = acc.add(acc.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD2));
        float sum = acc.add(acc.rearrange(Simd.FOLD1)).lane(0);
        for (; i < n; i++) {
            sum = Math.fma(a[aOff + i], b[bOff + i], sum);
        }
        return sum;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        FloatVector va = FloatVector.broadcast(F, alpha);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOff + i).fma(va, FloatVector.fromArray(F, y, yOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] = Math.fma(alpha, x[xOff + i], y[yOff + i]);
        }
    }

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, y, yOff + i).add(FloatVector.fromArray(F, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) {
            y[yOff + i] += x[xOff + i];
        }
    }

    @Override
    public void rmsnorm(float[] out, int outOff, float[] x, int xOff, float[] weight, int n, float eps) {
        // the sum of squares is x . x: the same chunked fma order and lane fold as dot
        float mean = dot(x, xOff, x, xOff, n) / n;
        float scale = 1f / (float) Math.sqrt(mean + eps);
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(F, x, xOff + i).mul(scale).mul(FloatVector.fromArray(F, weight, i))
                    .intoArray(out, outOff + i);
        }
        for (; i < n; i++) {
            out[outOff + i] = (x[xOff + i] * scale) * weight[i];
        }
    }

    @Override
    public void softmax(float[] x, int off, int n) {
        int bound = F.loopBound(n);
        float max = Float.NEGATIVE_INFINITY;
        int i = 0;
        if (bound > 0) {
            FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
            for (; i < bound; i += L) {
                vmax = vmax.max(FloatVector.fromArray(F, x, off + i));
            }
            max = vmax.reduceLanes(VectorOperators.MAX); // max is exact in any order
        }
        for (; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        FloatVector vsum = FloatVector.zero(F);
        i = 0;
        for (; i < bound; i += L) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(F, x, off + i).sub(max));
            e.intoArray(x, off + i);
            vsum = vsum.add(e);
        }
        vsum = vsum.add(vsum.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        vsum = vsum.add(vsum.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        vsum = vsum.add(vsum.rearrange(Simd.FOLD2));
        float sum = vsum.add(vsum.rearrange(Simd.FOLD1)).lane(0);
        for (; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        i = 0;
        for (; i < bound; i += L) {
            FloatVector.fromArray(F, x, off + i).mul(inv).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] *= inv;
        }
    }

    @Override
    public void swiglu(float[] gate, int gateOff, float[] up, int upOff, int n) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += L) {
            FloatVector g = FloatVector.fromArray(F, gate, gateOff + i);
            FloatVector silu = g.div(VectorMath.exp(g.neg()).add(1f));
            silu.mul(FloatVector.fromArray(F, up, upOff + i)).intoArray(gate, gateOff + i);
        }
        for (; i < n; i++) {
            float g = gate[gateOff + i];
            gate[gateOff + i] = g / (1f + (float) Math.exp(-g)) * up[upOff + i];
        }
    }

    @Override
    public void rope(float[] x, int off, int heads, int headDim, int ropeDims, RopeOrder order,
                     float[] cos, float[] sin, int tableOff) {
        if (order == RopeOrder.NORMAL) {
            ropeNormal(x, off, heads, headDim, ropeDims, cos, sin, tableOff);
        } else {
            ropeNeox(x, off, heads, headDim, ropeDims, cos, sin, tableOff);
        }
    }

    // Both variants compute x * cos + partner(x) * sin with a separate multiply and add, exactly like the
    // scalar reference, so the results are bit-identical to it.

    private static void ropeNormal(float[] x, int off, int heads, int headDim, int ropeDims,
                                   float[] cos, float[] sin, int tableOff) {
        int bound = F.loopBound(ropeDims);
        for (int h = 0; h < heads; h++) {
            int base = off + h * headDim;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector v = FloatVector.fromArray(F, x, base + j);
                FloatVector c = FloatVector.fromArray(F, cos, tableOff + j);
                FloatVector s = FloatVector.fromArray(F, sin, tableOff + j);
                v.mul(c).add(v.rearrange(SWAP_PAIRS).mul(s)).intoArray(x, base + j);
            }
            for (; j < ropeDims; j += 2) {
                float xa = x[base + j];
                float xb = x[base + j + 1];
                x[base + j] = xa * cos[tableOff + j] + xb * sin[tableOff + j];
                x[base + j + 1] = xb * cos[tableOff + j + 1] + xa * sin[tableOff + j + 1];
            }
        }
    }

    private static void ropeNeox(float[] x, int off, int heads, int headDim, int ropeDims,
                                 float[] cos, float[] sin, int tableOff) {
        int half = ropeDims / 2;
        int bound = F.loopBound(half);
        for (int h = 0; h < heads; h++) {
            int base = off + h * headDim;
            int i = 0;
            for (; i < bound; i += L) {
                FloatVector xa = FloatVector.fromArray(F, x, base + i);
                FloatVector xb = FloatVector.fromArray(F, x, base + half + i);
                FloatVector ca = FloatVector.fromArray(F, cos, tableOff + i);
                FloatVector sa = FloatVector.fromArray(F, sin, tableOff + i);
                FloatVector cb = FloatVector.fromArray(F, cos, tableOff + half + i);
                FloatVector sb = FloatVector.fromArray(F, sin, tableOff + half + i);
                xa.mul(ca).add(xb.mul(sa)).intoArray(x, base + i);
                xb.mul(cb).add(xa.mul(sb)).intoArray(x, base + half + i);
            }
            for (; i < half; i++) {
                float xa = x[base + i];
                float xb = x[base + half + i];
                x[base + i] = xa * cos[tableOff + i] + xb * sin[tableOff + i];
                x[base + half + i] = xb * cos[tableOff + half + i] + xa * sin[tableOff + half + i];
            }
        }
    }
}
