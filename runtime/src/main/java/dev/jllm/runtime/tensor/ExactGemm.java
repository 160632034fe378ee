package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.PackedRows.G;
import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.I;
import static dev.jllm.runtime.tensor.Simd.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The register block of the several-token integer path ({@link PackedRows}): four groups of {@code L} rows times
 * four tokens, sixteen accumulators, the shape of {@link Gemm#kernel4x4} (four weight loads and four broadcasts
 * per sixteen fused multiply-adds), over weights and activations that are small integers held as floats.
 *
 * <p>Every product and partial sum is an integer; when the caller has bounded the sum of the magnitudes of every
 * row's weights in the window by {@link #LIMIT} (activations are at most 127 in magnitude), every partial sum
 * stays within {@code 2^24}, so each fused multiply-add is exact and the window's sum is the integer sum of its
 * products, whatever the order: the same integers as the 16-bit kernel's, hence the same bits after the float
 * steps that follow.
 */
final class ExactGemm {

    private ExactGemm() {}

    /** The largest sum of weight magnitudes per row and window for which {@code 127 * sum <= 2^24}. */
    static final int LIMIT = (1 << 24) / 127;

    /** Floats per column of the weights: four groups of {@code L} rows. */
    static final int COLUMN = 4 * L;

    /**
     * For tokens {@code u < 4} ({@code x_u[xo ..]}) and groups {@code g < 4}: the exact integer
     * {@code sum_(c < cols) w[w0 + c * COLUMN + g * L + r] * x_u[xo + c]}, stored to (or, with {@code add}, added to)
     * {@code sums[(u * 4 + g) * L + r]} ({@code tmp}: at least {@code 16 L} floats of scratch).
     */
    static void sums4x4(float[] w, int w0, int cols, float[] x0, float[] x1, float[] x2, float[] x3, int xo,
            int[] sums, boolean add, float[] tmp) {
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00,
                a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int c = 0; c < cols; c++) {
            int wc = w0 + c * COLUMN;
            FloatVector v0 = FloatVector.fromArray(F, w, wc), v1 = FloatVector.fromArray(F, w, wc + L);
            FloatVector v2 = FloatVector.fromArray(F, w, wc + 2 * L), v3 = FloatVector.fromArray(F, w, wc + 3 * L);
            FloatVector x = FloatVector.broadcast(F, x0[xo + c]);
            a00 = v0.fma(x, a00);
            a01 = v1.fma(x, a01);
            a02 = v2.fma(x, a02);
            a03 = v3.fma(x, a03);
            x = FloatVector.broadcast(F, x1[xo + c]);
            a10 = v0.fma(x, a10);
            a11 = v1.fma(x, a11);
            a12 = v2.fma(x, a12);
            a13 = v3.fma(x, a13);
            x = FloatVector.broadcast(F, x2[xo + c]);
            a20 = v0.fma(x, a20);
            a21 = v1.fma(x, a21);
            a22 = v2.fma(x, a22);
            a23 = v3.fma(x, a23);
            x = FloatVector.broadcast(F, x3[xo + c]);
            a30 = v0.fma(x, a30);
            a31 = v1.fma(x, a31);
            a32 = v2.fma(x, a32);
            a33 = v3.fma(x, a33);
        }
        // the accumulators go through memory to one conversion loop: sixteen calls of a helper taking a vector
        // are too many call sites for C2 to inline them all, and one it does not inline boxes its vector
        a00.intoArray(tmp, 0);
        a01.intoArray(tmp, L);
        a02.intoArray(tmp, 2 * L);
        a03.intoArray(tmp, 3 * L);
        a10.intoArray(tmp, 4 * L);
        a11.intoArray(tmp, 5 * L);
        a12.intoArray(tmp, 6 * L);
        a13.intoArray(tmp, 7 * L);
        a20.intoArray(tmp, 8 * L);
        a21.intoArray(tmp, 9 * L);
        a22.intoArray(tmp, 10 * L);
        a23.intoArray(tmp, 11 * L);
        a30.intoArray(tmp, 12 * L);
        a31.intoArray(tmp, 13 * L);
        a32.intoArray(tmp, 14 * L);
        a33.intoArray(tmp, 15 * L);
        for (int k = 0; k < 16 * L; k += L) {
            IntVector v = (IntVector) FloatVector.fromArray(F, tmp, k).convertShape(VectorOperators.F2I, I, 0);
            if (add) {
                v = v.add(IntVector.fromArray(I, sums, k));
            }
            v.intoArray(sums, k);
        }
    }

    /**
     * Q8_0's block of 32 columns ({@link #sums4x4}'s products over {@code w[w0 ..]}, tokens {@code x0 .. x3} from
     * column {@code xo}) added straight into the results: {@code out[(4 (t + u) + g) * G + r] += (d[dOff + g * G + r]
     * * d32_u(s)) * (sum - offset * S_u(s))}, the stored weights' exact sum less the block's activation sum times
     * the stored offset. These are the float steps of the single-token combine in its order ({@link F16BlockPacked}:
     * the sums are exact integers, so as floats they are the same values), written out per accumulator without the
     * sums' trip through memory. Groups past the matrix's last hold zero weights and scales; their results are never
     * copied out. (Its own method, the loop written twice: see {@link NarrowGemm#blockQ4_0}.)
     */
    static void blockQ8_0(float[] w, int w0, Q8KActivations x0, Q8KActivations x1, Q8KActivations x2,
            Q8KActivations x3, int xo, int offset, float[] d, int dOff, int s, float[] out, int t) {
        float[] y0 = x0.values, y1 = x1.values, y2 = x2.values, y3 = x3.values;
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00,
                a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
        for (int c = 0; c < 32; c++) {
            int wc = w0 + c * COLUMN;
            FloatVector v0 = FloatVector.fromArray(F, w, wc), v1 = FloatVector.fromArray(F, w, wc + L);
            FloatVector v2 = FloatVector.fromArray(F, w, wc + 2 * L), v3 = FloatVector.fromArray(F, w, wc + 3 * L);
            FloatVector x = FloatVector.broadcast(F, y0[xo + c]);
            a00 = v0.fma(x, a00);
            a01 = v1.fma(x, a01);
            a02 = v2.fma(x, a02);
            a03 = v3.fma(x, a03);
            x = FloatVector.broadcast(F, y1[xo + c]);
            a10 = v0.fma(x, a10);
            a11 = v1.fma(x, a11);
            a12 = v2.fma(x, a12);
            a13 = v3.fma(x, a13);
            x = FloatVector.broadcast(F, y2[xo + c]);
            a20 = v0.fma(x, a20);
            a21 = v1.fma(x, a21);
            a22 = v2.fma(x, a22);
            a23 = v3.fma(x, a23);
            x = FloatVector.broadcast(F, y3[xo + c]);
            a30 = v0.fma(x, a30);
            a31 = v1.fma(x, a31);
            a32 = v2.fma(x, a32);
            a33 = v3.fma(x, a33);
        }
        FloatVector d0 = FloatVector.fromArray(F, d, dOff);
        FloatVector d1 = FloatVector.fromArray(F, d, dOff + G);
        FloatVector d2 = FloatVector.fromArray(F, d, dOff + 2 * G);
        FloatVector d3 = FloatVector.fromArray(F, d, dOff + 3 * G);
        int o;
        float e0 = x0.d32[s];
        float o0 = offset * x0.sums[s];
        float e1 = x1.d32[s];
        float o1 = offset * x1.sums[s];
        float e2 = x2.d32[s];
        float o2 = offset * x2.sums[s];
        float e3 = x3.d32[s];
        float o3 = offset * x3.sums[s];
        o = (4 * t + 0) * G;
        FloatVector.fromArray(F, out, o).add(d0.mul(e0).mul(a00.sub(o0))).intoArray(out, o);
        o = (4 * t + 1) * G;
        FloatVector.fromArray(F, out, o).add(d1.mul(e0).mul(a01.sub(o0))).intoArray(out, o);
        o = (4 * t + 2) * G;
        FloatVector.fromArray(F, out, o).add(d2.mul(e0).mul(a02.sub(o0))).intoArray(out, o);
        o = (4 * t + 3) * G;
        FloatVector.fromArray(F, out, o).add(d3.mul(e0).mul(a03.sub(o0))).intoArray(out, o);
        o = (4 * (t + 1) + 0) * G;
        FloatVector.fromArray(F, out, o).add(d0.mul(e1).mul(a10.sub(o1))).intoArray(out, o);
        o = (4 * (t + 1) + 1) * G;
        FloatVector.fromArray(F, out, o).add(d1.mul(e1).mul(a11.sub(o1))).intoArray(out, o);
        o = (4 * (t + 1) + 2) * G;
        FloatVector.fromArray(F, out, o).add(d2.mul(e1).mul(a12.sub(o1))).intoArray(out, o);
        o = (4 * (t + 1) + 3) * G;
        FloatVector.fromArray(F, out, o).add(d3.mul(e1).mul(a13.sub(o1))).intoArray(out, o);
        o = (4 * (t + 2) + 0) * G;
        FloatVector.fromArray(F, out, o).add(d0.mul(e2).mul(a20.sub(o2))).intoArray(out, o);
        o = (4 * (t + 2) + 1) * G;
        FloatVector.fromArray(F, out, o).add(d1.mul(e2).mul(a21.sub(o2))).intoArray(out, o);
        o = (4 * (t + 2) + 2) * G;
        FloatVector.fromArray(F, out, o).add(d2.mul(e2).mul(a22.sub(o2))).intoArray(out, o);
        o = (4 * (t + 2) + 3) * G;
        FloatVector.fromArray(F, out, o).add(d3.mul(e2).mul(a23.sub(o2))).intoArray(out, o);
        o = (4 * (t + 3) + 0) * G;
        FloatVector.fromArray(F, out, o).add(d0.mul(e3).mul(a30.sub(o3))).intoArray(out, o);
        o = (4 * (t + 3) + 1) * G;
        FloatVector.fromArray(F, out, o).add(d1.mul(e3).mul(a31.sub(o3))).intoArray(out, o);
        o = (4 * (t + 3) + 2) * G;
        FloatVector.fromArray(F, out, o).add(d2.mul(e3).mul(a32.sub(o3))).intoArray(out, o);
        o = (4 * (t + 3) + 3) * G;
        FloatVector.fromArray(F, out, o).add(d3.mul(e3).mul(a33.sub(o3))).intoArray(out, o);
    }
}
