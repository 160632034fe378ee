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
 * Q4_K rows repacked for the integer kernel ({@link PackedRows}). Per group and super-block, {@code 152 G}
 * bytes (the file's 144 per row plus 8 for unpacked scales): {@code d[G]} and {@code dmin[G]} as floats, the
 * eight 6-bit scales as {@code sc[8][G]} bytes, the minimums as {@code m[8][G]}, then per sub-block {@code j}
 * (32 columns) and quad {@code k} one plane of {@code 2 G} bytes: column {@code 32 j + 4 k + e} in the low
 * nibble of byte {@code 2 r + e}, column {@code 32 j + 4 k + 2 + e} in its high nibble. Each 16-bit lane sums 16
 * products of at most 15 * 127 per sub-block (30480: no overflow).
 *
 * <p>Per row and super-block: {@code sumi = sum_j sc_j * sum_(c in j) q_c a_c},
 * {@code summ = sum_j m_j * sums_j}, and the result adds {@code (d * a.d) * (float) sumi - (dmin * a.d) *
 * (float) summ}, each operation rounded, never fused ({@link Q4_KTensor#integerDotScalar} from the file layout).
 */
final class Q4_KPacked extends PackedRows {

    private static final int SCALES = 8 * G;
    private static final int MINS = SCALES + 8 * G;
    private static final int QS = MINS + 8 * G;
    private static final int SUPER = QS + 128 * G;

    Q4_KPacked(Q4_KTensor t) {
        super(t, SUPER, QS, true, SCALES, MINS, (src, r, sb, mag) -> {
            putFloat(sb, 4 * r, half(src, 0));
            putFloat(sb, 4 * (G + r), half(src, 2));
            int[] s = new int[12];
            for (int i = 0; i < 12; i++) {
                s[i] = src.get(ValueLayout.JAVA_BYTE, 4 + i) & 0xFF;
            }
            for (int j = 0; j < 8; j++) {
                sb[SCALES + j * G + r] = (byte) KScales.scale(s, j);
                sb[MINS + j * G + r] = (byte) KScales.min(s, j);
            }
            for (int c = 0; c < 256; c++) {
                // c = 32 j + 4 k + 2 h + e: plane (j, k), byte 2 r + e, nibble h
                int q = Q4_KTensor.nibble(src, 0, c);
                sb[QS + (c / 4) * 2 * G + 2 * r + (c & 1)] |= (byte) (q << (4 * ((c >> 1) & 1)));
                mag[8 * r + c / 32] += KScales.scale(s, c / 32) * q;
            }
        });
    }

    /**
     * One token, the 16-bit kernel and the float steps in one pass: each sub-block's sum folded and scaled into
     * {@code sumi}/{@code summ} in registers, the result kept there through the row; per super-block the steps of the
     * class comment in its order ({@link Q4_KTensor#integerDotScalar}). Fused rather than stored sums combined per
     * super-block (which widened the scales and minimums from the copy again): tl-Q4_K_M tg32 on one thread,
     * alternating, 27.5-28.8 against 24.9-25.6 tok/s. All written out: a helper taking or returning vectors boxes them
     * should C2 leave it out of line.
     */
    @Override
    void group(Scratch scratch, int g, Q8KActivations x, float[] out, int off) {
        int[] p0 = x.pairs;
        FloatVector o0 = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long at = at(g, b);
            IntVector si0 = IntVector.zero(I), sm0 = si0;
            for (int j = 0; j < 8; j++) {
                ShortVector acc0 = ShortVector.zero(S);
                long q = at + QS + j * 16L * G;
                int p = (b * 256 + j * 32) / 2;
                for (int k = 0; k < 8; k++) {
                    ShortVector w = (ShortVector) ByteVector.fromMemorySegment(QUAD, packed, q + k * 2L * G, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    int e = p + 2 * k;
                    acc0 = acc0.add(w.and((short) 0xF).mul(IntVector.broadcast(I, p0[e]).reinterpretAsShorts()))
                            .add(w.lanewise(VectorOperators.LSHR, 4)
                                    .mul(IntVector.broadcast(I, p0[e + 1]).reinterpretAsShorts()));
                }
                IntVector sc = (IntVector) ByteVector.fromMemorySegment(PER_ROW, packed, at + SCALES + j * G, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector m = (IntVector) ByteVector.fromMemorySegment(PER_ROW, packed, at + MINS + j * G, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector f0 = acc0.reinterpretAsInts();
                si0 = si0.add(f0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(f0.lanewise(VectorOperators.ASHR, 16)).mul(sc));
                sm0 = sm0.add(m.mul(x.sums[b * 8 + j]));
            }
            FloatVector d = FloatVector.fromMemorySegment(F, packed, at, LE);
            FloatVector dmin = FloatVector.fromMemorySegment(F, packed, at + 4L * G, LE);
            float ad = x.d[b];
            o0 = o0.add(d.mul(ad).mul((FloatVector) si0.convertShape(VectorOperators.I2F, F, 0))
                    .sub(dmin.mul(ad).mul((FloatVector) sm0.convertShape(VectorOperators.I2F, F, 0))));
        }
        o0.intoArray(out, off);
    }

    /**
     * {@link #group} for four tokens: each plane loaded and widened once for the four, the scales and minimums once
     * per sub-block, per token {@code sumi}/{@code summ} and results in registers; the same integers and float steps
     * in the same order, so the same bits as four calls of {@link #group}.
     */
    @Override
    void group4(Scratch scratch, int g, Q8KActivations[] a, int t, float[] out, int off, int stride) {
        Q8KActivations x0 = a[t], x1 = a[t + 1], x2 = a[t + 2], x3 = a[t + 3];
        int[] p0 = x0.pairs, p1 = x1.pairs, p2 = x2.pairs, p3 = x3.pairs;
        FloatVector o0 = FloatVector.zero(F), o1 = o0, o2 = o0, o3 = o0;
        for (int b = 0; b < blocks; b++) {
            long at = at(g, b);
            IntVector si0 = IntVector.zero(I), si1 = si0, si2 = si0, si3 = si0;
            IntVector sm0 = si0, sm1 = si0, sm2 = si0, sm3 = si0;
            for (int j = 0; j < 8; j++) {
                ShortVector acc0 = ShortVector.zero(S), acc1 = acc0, acc2 = acc0, acc3 = acc0;
                long q = at + QS + j * 16L * G;
                int p = (b * 256 + j * 32) / 2;
                for (int k = 0; k < 8; k++) {
                    ShortVector w = (ShortVector) ByteVector.fromMemorySegment(QUAD, packed, q + k * 2L * G, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector lo = w.and((short) 0xF);
                    ShortVector hi = w.lanewise(VectorOperators.LSHR, 4);
                    int e = p + 2 * k;
                    acc0 = acc0.add(lo.mul(IntVector.broadcast(I, p0[e]).reinterpretAsShorts()))
                            .add(hi.mul(IntVector.broadcast(I, p0[e + 1]).reinterpretAsShorts()));
                    acc1 = acc1.add(lo.mul(IntVector.broadcast(I, p1[e]).reinterpretAsShorts()))
                            .add(hi.mul(IntVector.broadcast(I, p1[e + 1]).reinterpretAsShorts()));
                    acc2 = acc2.add(lo.mul(IntVector.broadcast(I, p2[e]).reinterpretAsShorts()))
                            .add(hi.mul(IntVector.broadcast(I, p2[e + 1]).reinterpretAsShorts()));
                    acc3 = acc3.add(lo.mul(IntVector.broadcast(I, p3[e]).reinterpretAsShorts()))
                            .add(hi.mul(IntVector.broadcast(I, p3[e + 1]).reinterpretAsShorts()));
                }
                IntVector sc = (IntVector) ByteVector.fromMemorySegment(PER_ROW, packed, at + SCALES + j * G, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector m = (IntVector) ByteVector.fromMemorySegment(PER_ROW, packed, at + MINS + j * G, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                // per token: a row's two lanes summed, then scaled into sumi and summ
                int s = b * 8 + j;
                IntVector f0 = acc0.reinterpretAsInts();
                si0 = si0.add(f0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(f0.lanewise(VectorOperators.ASHR, 16)).mul(sc));
                sm0 = sm0.add(m.mul(x0.sums[s]));
                IntVector f1 = acc1.reinterpretAsInts();
                si1 = si1.add(f1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(f1.lanewise(VectorOperators.ASHR, 16)).mul(sc));
                sm1 = sm1.add(m.mul(x1.sums[s]));
                IntVector f2 = acc2.reinterpretAsInts();
                si2 = si2.add(f2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(f2.lanewise(VectorOperators.ASHR, 16)).mul(sc));
                sm2 = sm2.add(m.mul(x2.sums[s]));
                IntVector f3 = acc3.reinterpretAsInts();
                si3 = si3.add(f3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(f3.lanewise(VectorOperators.ASHR, 16)).mul(sc));
                sm3 = sm3.add(m.mul(x3.sums[s]));
            }
            // the float steps per token
            FloatVector d = FloatVector.fromMemorySegment(F, packed, at, LE);
            FloatVector dmin = FloatVector.fromMemorySegment(F, packed, at + 4L * G, LE);
            float ad = x0.d[b];
            o0 = o0.add(d.mul(ad).mul((FloatVector) si0.convertShape(VectorOperators.I2F, F, 0))
                    .sub(dmin.mul(ad).mul((FloatVector) sm0.convertShape(VectorOperators.I2F, F, 0))));
            ad = x1.d[b];
            o1 = o1.add(d.mul(ad).mul((FloatVector) si1.convertShape(VectorOperators.I2F, F, 0))
                    .sub(dmin.mul(ad).mul((FloatVector) sm1.convertShape(VectorOperators.I2F, F, 0))));
            ad = x2.d[b];
            o2 = o2.add(d.mul(ad).mul((FloatVector) si2.convertShape(VectorOperators.I2F, F, 0))
                    .sub(dmin.mul(ad).mul((FloatVector) sm2.convertShape(VectorOperators.I2F, F, 0))));
            ad = x3.d[b];
            o3 = o3.add(d.mul(ad).mul((FloatVector) si3.convertShape(VectorOperators.I2F, F, 0))
                    .sub(dmin.mul(ad).mul((FloatVector) sm3.convertShape(VectorOperators.I2F, F, 0))));
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
                int k = (4 * u + g) * G;
                add(at(g0 + g, b), ad, sumi, summ, k, out, (4 * (t + u) + g) * G);
            }
        }
    }

    /**
     * {@code out[o ..] += (d * ad) * sumi[k ..] - (dmin * ad) * summ[k ..]}, each operation rounded. Takes arrays,
     * not vectors, so nothing is boxed should C2 not inline it.
     */
    private void add(long at, float ad, int[] sumi, int[] summ, int k, float[] out, int o) {
        // the same steps as group's, written out for the same reason
        FloatVector d = FloatVector.fromMemorySegment(F, packed, at, LE);
        FloatVector dmin = FloatVector.fromMemorySegment(F, packed, at + 4L * G, LE);
        FloatVector.fromArray(F, out, o).add(d.mul(ad).mul((FloatVector) IntVector.fromArray(I, sumi, k)
                .convertShape(VectorOperators.I2F, F, 0)).sub(dmin.mul(ad).mul((FloatVector) IntVector.fromArray(I, summ, k)
                .convertShape(VectorOperators.I2F, F, 0)))).intoArray(out, o);
    }
}
