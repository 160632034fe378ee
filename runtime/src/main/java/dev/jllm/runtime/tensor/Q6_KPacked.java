package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.I;

import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
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

    @Override
    void combine(long at, int b, int[] sums, int u, Q8KActivations x, float[] out, int o) {
        IntVector sumi = IntVector.zero(I);
        for (int j = 0; j < 16; j++) {
            IntVector sc = (IntVector) ByteVector.fromMemorySegment(PER_ROW, packed, at + SCALES + j * G, LE)
                    .convertShape(VectorOperators.B2I, I, 0);
            sumi = sumi.add(IntVector.fromArray(I, sums, (u * 16 + j) * G).mul(sc));
        }
        // all written out, no helper taking or returning vectors: one that C2 leaves out of line (it did when this
        // method was inlined into group() beside Q4_K's: NodeCountInliningCutoff) boxes them on every super-block
        FloatVector d = FloatVector.fromMemorySegment(F, packed, at, LE);
        FloatVector.fromArray(F, out, o).add(d.mul(x.d[b]).mul((FloatVector) sumi.convert(VectorOperators.I2F, 0)))
                .intoArray(out, o);
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
                .convert(VectorOperators.I2F, 0)))
                .intoArray(out, o);
    }
}
