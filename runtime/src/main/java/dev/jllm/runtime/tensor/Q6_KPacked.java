package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.I;

import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q6_K rows repacked for the integer kernel ({@link PackedRows}). Per group and super-block, {@code 276 G}
 * bytes (the file's 210 per row plus 66: a whole signed byte per weight saves the bit assembly of the 6-bit
 * values): {@code d[G]} as floats, the sixteen signed scales as {@code sc[16][G]} bytes, then per sub-block
 * {@code j} (16 columns) and quad {@code k} two planes of {@code 2 G} bytes, {@code q - 32} of column
 * {@code 16 j + 4 k + e} (plane 0) and {@code 16 j + 4 k + 2 + e} (plane 1) in byte {@code 2 r + e}. Each
 * 16-bit lane sums 8 products of at most 32 * 127 per sub-block (32512: no overflow).
 *
 * <p>Per row and super-block: {@code sumi = sum_j sc_j * sum_(c in j) (q_c - 32) a_c}, and the result adds
 * {@code (d * a.d) * (float) sumi}, each operation rounded ({@link Q6_KTensor#integerDotScalar}).
 */
final class Q6_KPacked extends PackedRows {

    private static final int SCALES = 4 * G;
    private static final int QS = SCALES + 16 * G;
    private static final int SUPER = QS + 256 * G;

    Q6_KPacked(Q6_KTensor t) {
        super(t, SUPER, QS, false, SCALES, -1, (src, r, sb, mag) -> {
            putFloat(sb, 4 * r, half(src, 208));
            for (int j = 0; j < 16; j++) {
                sb[SCALES + j * G + r] = src.get(ValueLayout.JAVA_BYTE, 192 + j);
            }
            for (int c = 0; c < 256; c++) {
                // c = 16 j + 4 k + 2 h + e: plane 2 (4 j + k) + h, byte 2 r + e
                int q = Q6_KTensor.q(src, 0, c) - 32;
                sb[QS + ((c / 4) * 2 + ((c >> 1) & 1)) * 2 * G + 2 * r + (c & 1)] = (byte) q;
                mag[8 * r + c / 32] += Math.abs(src.get(ValueLayout.JAVA_BYTE, 192 + c / 16) * q);
            }
        });
    }

    /**
     * One token, the 16-bit kernel and the float steps in one pass, as Q4_K's: each sub-block's sum folded and scaled
     * into {@code sumi} in registers, the result kept there through the row; per super-block the steps of the class
     * comment ({@link Q6_KTensor#integerDotScalar}). All written out (a helper taking vectors would box them).
     */
    @Override
    void group(Scratch scratch, int g, Q8KActivations x, float[] out, int off) {
        int[] p0 = x.pairs;
        FloatVector o0 = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long at = at(g, b);
            IntVector si0 = IntVector.zero(I);
            for (int j = 0; j < 16; j++) {
                ShortVector acc0 = ShortVector.zero(S);
                long q = at + QS + j * 16L * G;
                int p = (b * 256 + j * 16) / 2;
                for (int k = 0; k < 4; k++) {
                    ShortVector w0 = (ShortVector) ByteVector.fromMemorySegment(QUAD, packed, q + k * 4L * G, LE)
                            .convertShape(VectorOperators.B2S, S, 0);
                    ShortVector w1 = (ShortVector) ByteVector
                            .fromMemorySegment(QUAD, packed, q + k * 4L * G + 2L * G, LE)
                            .convertShape(VectorOperators.B2S, S, 0);
                    int e = p + 2 * k;
                    acc0 = acc0.add(w0.mul(IntVector.broadcast(I, p0[e]).reinterpretAsShorts()))
                            .add(w1.mul(IntVector.broadcast(I, p0[e + 1]).reinterpretAsShorts()));
                }
                IntVector sc = (IntVector) ByteVector.fromMemorySegment(PER_ROW, packed, at + SCALES + j * G, LE)
                        .convertShape(VectorOperators.B2I, I, 0);
                IntVector f0 = acc0.reinterpretAsInts();
                si0 = si0.add(f0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(f0.lanewise(VectorOperators.ASHR, 16)).mul(sc));
            }
            FloatVector d = FloatVector.fromMemorySegment(F, packed, at, LE);
            o0 = o0.add(d.mul(x.d[b]).mul((FloatVector) si0.convertShape(VectorOperators.I2F, F, 0)));
        }
        o0.intoArray(out, off);
    }

    /**
     * {@link #group} for four tokens: each plane loaded and widened once for the four, the scales once per
     * sub-block, per token {@code sumi} and results in registers; the same integers and float steps in the same
     * order, so the same bits as four calls of {@link #group}.
     */
    @Override
    void group4(Scratch scratch, int g, Q8KActivations[] a, int t, float[] out, int off, int stride) {
        Q8KActivations x0 = a[t], x1 = a[t + 1], x2 = a[t + 2], x3 = a[t + 3];
        int[] p0 = x0.pairs, p1 = x1.pairs, p2 = x2.pairs, p3 = x3.pairs;
        FloatVector o0 = FloatVector.zero(F), o1 = o0, o2 = o0, o3 = o0;
        for (int b = 0; b < blocks; b++) {
            long at = at(g, b);
            IntVector si0 = IntVector.zero(I), si1 = si0, si2 = si0, si3 = si0;
            for (int j = 0; j < 16; j++) {
                ShortVector acc0 = ShortVector.zero(S), acc1 = acc0, acc2 = acc0, acc3 = acc0;
                long q = at + QS + j * 16L * G;
                int p = (b * 256 + j * 16) / 2;
                for (int k = 0; k < 4; k++) {
                    ShortVector w0 = (ShortVector) ByteVector.fromMemorySegment(QUAD, packed, q + k * 4L * G, LE)
                            .convertShape(VectorOperators.B2S, S, 0);
                    ShortVector w1 = (ShortVector) ByteVector
                            .fromMemorySegment(QUAD, packed, q + k * 4L * G + 2L * G, LE)
                            .convertShape(VectorOperators.B2S, S, 0);
                    int e = p + 2 * k;
                    acc0 = acc0.add(w0.mul(IntVector.broadcast(I, p0[e]).reinterpretAsShorts()))
                            .add(w1.mul(IntVector.broadcast(I, p0[e + 1]).reinterpretAsShorts()));
                    acc1 = acc1.add(w0.mul(IntVector.broadcast(I, p1[e]).reinterpretAsShorts()))
                            .add(w1.mul(IntVector.broadcast(I, p1[e + 1]).reinterpretAsShorts()));
                    acc2 = acc2.add(w0.mul(IntVector.broadcast(I, p2[e]).reinterpretAsShorts()))
                            .add(w1.mul(IntVector.broadcast(I, p2[e + 1]).reinterpretAsShorts()));
                    acc3 = acc3.add(w0.mul(IntVector.broadcast(I, p3[e]).reinterpretAsShorts()))
                            .add(w1.mul(IntVector.broadcast(I, p3[e + 1]).reinterpretAsShorts()));
                }
                IntVector sc = (IntVector) ByteVector.fromMemorySegment(PER_ROW, packed, at + SCALES + j * G, LE)
                        .convertShape(VectorOperators.B2I, I, 0);
                // per token: a row's two lanes summed, times the sub-block's scale
                IntVector f0 = acc0.reinterpretAsInts();
                si0 = si0.add(f0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(f0.lanewise(VectorOperators.ASHR, 16)).mul(sc));
                IntVector f1 = acc1.reinterpretAsInts();
                si1 = si1.add(f1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(f1.lanewise(VectorOperators.ASHR, 16)).mul(sc));
                IntVector f2 = acc2.reinterpretAsInts();
                si2 = si2.add(f2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(f2.lanewise(VectorOperators.ASHR, 16)).mul(sc));
                IntVector f3 = acc3.reinterpretAsInts();
                si3 = si3.add(f3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(f3.lanewise(VectorOperators.ASHR, 16)).mul(sc));
            }
            // the float steps per token
            FloatVector d = FloatVector.fromMemorySegment(F, packed, at, LE);
            o0 = o0.add(d.mul(x0.d[b]).mul((FloatVector) si0.convertShape(VectorOperators.I2F, F, 0)));
            o1 = o1.add(d.mul(x1.d[b]).mul((FloatVector) si1.convertShape(VectorOperators.I2F, F, 0)));
            o2 = o2.add(d.mul(x2.d[b]).mul((FloatVector) si2.convertShape(VectorOperators.I2F, F, 0)));
            o3 = o3.add(d.mul(x3.d[b]).mul((FloatVector) si3.convertShape(VectorOperators.I2F, F, 0)));
        }
        o0.intoArray(out, off);
        o1.intoArray(out, off + stride);
        o2.intoArray(out, off + 2 * stride);
        o3.intoArray(out, off + 3 * stride);
    }

    @Override
    void combineScaled(int g0, int ng, int b, int[] sumi, int[] summ, Q8KActivations[] a, int t, float[] out) {
        for (int u = 0; u < 4; u++) {
            float ad = a[t + u].d[b];
            for (int g = 0; g < ng; g++) {
                add(at(g0 + g, b), ad, sumi, (4 * u + g) * G, out, (4 * (t + u) + g) * G);
            }
        }
    }

    /** {@code out[o ..] += (d * ad) * sumi[k ..]}, each operation rounded (arrays in: nothing boxed if not inlined). */
    private void add(long at, float ad, int[] sumi, int k, float[] out, int o) {
        FloatVector d = FloatVector.fromMemorySegment(F, packed, at, LE);
        FloatVector.fromArray(F, out, o).add(d.mul(ad).mul((FloatVector) IntVector.fromArray(I, sumi, k)
                .convertShape(VectorOperators.I2F, F, 0)))
                .intoArray(out, o);
    }
}
