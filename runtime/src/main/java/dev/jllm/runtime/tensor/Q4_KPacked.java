package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.I;

import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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

    @Override
    void combine(long at, int b, int[] sums, int u, Q8KActivations x, float[] out, int o) {
        IntVector sumi = IntVector.zero(I);
        IntVector summ = IntVector.zero(I);
        for (int j = 0; j < 8; j++) {
            IntVector sc = (IntVector) ByteVector.fromMemorySegment(PER_ROW, packed, at + SCALES + j * G, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            IntVector m = (IntVector) ByteVector.fromMemorySegment(PER_ROW, packed, at + MINS + j * G, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
            sumi = sumi.add(IntVector.fromArray(I, sums, (u * 16 + j) * G).mul(sc));
            summ = summ.add(m.mul(x.sums[b * 8 + j]));
        }
        // all written out, no helper taking or returning vectors: one that C2 leaves out of line (it does when this
        // method is inlined into group() beside Q6_K's) boxes its vectors on every super-block of the decode path
        float ad = x.d[b];
        FloatVector d = FloatVector.fromMemorySegment(F, packed, at, LE);
        FloatVector dmin = FloatVector.fromMemorySegment(F, packed, at + 4L * G, LE);
        FloatVector.fromArray(F, out, o).add(d.mul(ad).mul((FloatVector) sumi.convert(VectorOperators.I2F, 0))
                .sub(dmin.mul(ad).mul((FloatVector) summ.convert(VectorOperators.I2F, 0)))).intoArray(out, o);
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
        // the same steps as combine's, written out for the same reason
        FloatVector d = FloatVector.fromMemorySegment(F, packed, at, LE);
        FloatVector dmin = FloatVector.fromMemorySegment(F, packed, at + 4L * G, LE);
        FloatVector.fromArray(F, out, o).add(d.mul(ad).mul((FloatVector) IntVector.fromArray(I, sumi, k)
                .convert(VectorOperators.I2F, 0)).sub(dmin.mul(ad).mul((FloatVector) IntVector.fromArray(I, summ, k)
                .convert(VectorOperators.I2F, 0)))).intoArray(out, o);
    }
}
