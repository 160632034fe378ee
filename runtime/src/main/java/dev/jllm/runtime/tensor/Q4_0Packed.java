package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.I;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0 rows repacked for the integer kernel ({@link PackedRows}). Per group and 256 columns (eight blocks),
 * {@code 160 G} bytes (the file's 144 per row plus 16 for float scales): {@code d[8][G]} as floats, then per
 * block {@code j} and quad {@code k} one plane of {@code 2 G} bytes with column {@code 32 j + 4 k + e} in the
 * low nibble of byte {@code 2 r + e} and column {@code 32 j + 4 k + 2 + e} in its high nibble, as Q4_K's. The
 * nibbles stay unsigned (0..15; 16 products of at most 15 * 127 per 16-bit lane and block: no overflow) and the
 * offset 8 comes off with the block's activation sum.
 *
 * <p>Per row and block: {@code isum = sum_c q_c a_c - 8 * sums_j} (exactly {@code sum_c (q_c - 8) a_c}), and the
 * result adds {@code (d * a.d) * (float) isum}, each operation rounded ({@link Q4_0Tensor#integerDotScalar}).
 */
final class Q4_0Packed extends PackedRows {

    private static final int QS = 32 * G;
    private static final int SUPER = QS + 128 * G;

    Q4_0Packed(Q4_0Tensor t) {
        super(t, SUPER, QS, true, -1, -1, (src, r, sb, mag) -> {
            for (int j = 0; j < 8; j++) {
                long block = (long) j * Q4_0Tensor.BLOCK_BYTES;
                putFloat(sb, 4 * (j * G + r), half(src, block));
                for (int i = 0; i < 32; i++) {
                    int c = 32 * j + i;
                    sb[QS + (c / 4) * 2 * G + 2 * r + (c & 1)] |= (byte) (Q4_0Tensor.nibble(src, block, i) << (4 * ((c >> 1) & 1)));
                }
            }
        });
    }

    @Override
    void combine(long at, int b, int[] sums, int u, Q8KActivations x, float[] out, int o) {
        FloatVector acc = FloatVector.fromArray(F, out, o);
        // a block's share, (d * ad) * isum with each operation rounded, written out: a helper taking vectors boxes
        // them whenever C2 leaves it out of line (see Q4_KPacked.combine)
        for (int j = 0; j < 8; j++) {
            IntVector isum = IntVector.fromArray(I, sums, (u * 16 + j) * G).sub(8 * x.sums[b * 8 + j]);
            acc = acc.add(FloatVector.fromMemorySegment(F, packed, at + 4L * j * G, LE).mul(x.d[b])
                    .mul((FloatVector) isum.convert(VectorOperators.I2F, 0)));
        }
        acc.intoArray(out, o);
    }
}
