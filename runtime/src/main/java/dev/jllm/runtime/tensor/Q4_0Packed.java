package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.I;
import static dev.jllm.runtime.tensor.Simd.S_HALF;

import java.lang.foreign.ValueLayout;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0 rows repacked for the integer kernel ({@link PackedRows}). Per group and 256 columns (eight blocks),
 * {@code 144 G} bytes, the file's own size: {@code d[8][G]} as the file's F16 bits, then per block {@code j} and
 * quad {@code k} one plane of {@code 2 G} bytes with column {@code 32 j + 4 k + e} in the low nibble of byte
 * {@code 2 r + e} and column {@code 32 j + 4 k + 2 + e} in its high nibble, as Q4_K's. The nibbles stay unsigned
 * (0..15; 16 products of at most 15 * 127 per 16-bit lane and block: no overflow) and the offset 8 comes off with
 * the block's activation sum.
 *
 * <p>The scales stay F16, converted per block in {@link #combine}, because of how this CPU's prefetchers follow
 * the planes: the kernel reads a super-block's planes and then goes back for its scales, and with the scales as
 * floats (512 bytes per super-block) that skip broke the stream: a stand-alone pass over the planes read 6-10 GB/s
 * from memory on one core with a 448- or 512-byte gap between each super-block's 2048 plane bytes, 25-30 GB/s with
 * a gap of 64-384 bytes (Q4_K's is 384). End to end Q4_0 through this kernel decoded slower than the float kernel.
 *
 * <p>Per row and block: {@code isum = sum_c q_c a_c - 8 * sums_j} (exactly {@code sum_c (q_c - 8) a_c}), and the
 * result adds {@code (d * a.d) * (float) isum}, each operation rounded ({@link Q4_0Tensor#integerDotScalar}).
 */
final class Q4_0Packed extends PackedRows implements PackedRows.ScaledSums {

    private static final int QS = 16 * G;
    private static final int SUPER = QS + 128 * G;

    Q4_0Packed(Q4_0Tensor t) {
        super(t, SUPER, QS, true, -1, -1, (src, r, sb, mag) -> {
            for (int j = 0; j < 8; j++) {
                long block = (long) j * Q4_0Tensor.BLOCK_BYTES;
                // the F16 bits as they are (little-endian both)
                sb[2 * (j * G + r)] = src.get(ValueLayout.JAVA_BYTE, block);
                sb[2 * (j * G + r) + 1] = src.get(ValueLayout.JAVA_BYTE, block + 1);
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
        // all written out, no helper taking or returning vectors (one left out of line by C2 boxes them per call)
        for (int j = 0; j < 8; j++) {
            // the G scales from F16, exactly as Float.float16ToFloat (Simd.halfToFloat's steps): the 15 magnitude
            // bits placed at the top of a float's and scaled by 2^(127-15), the sign put back
            IntVector bits = (IntVector) ShortVector.fromMemorySegment(S_HALF, packed, at + 2L * j * G, LE)
                    .castShape(I, 0);
            IntVector magnitude = bits.lanewise(VectorOperators.LSHL, 13).and(0x0FFFE000);
            FloatVector d = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                    .or(bits.and(0x80000000)).reinterpretAsFloats();
            if (magnitude.compare(VectorOperators.GE, 0x7C00 << 13).anyTrue()) {
                d = scalesOneByOne(at + 2L * j * G); // infinity or NaN: only in a damaged file
            }
            IntVector isum = IntVector.fromArray(I, sums, (u * 16 + j) * G).sub(8 * x.sums[b * 8 + j]);
            acc = acc.add(d.mul(x.d[b]).mul((FloatVector) isum.convert(VectorOperators.I2F, 0)));
        }
        acc.intoArray(out, o);
    }

    @Override
    public void combineBlock(int g0, int ng, int b, int j, float[] sums, Q8KActivations[] a, int t, float[] out) {
        for (int g = 0; g < ng; g++) {
            long at = at(g0 + g, b) + 2L * j * G;
            // combine's steps for block j, written out as there; each token's isum = sum - 8 sums_j is computed in
            // float, exactly (integers below 2^24), so it equals combine's int converted to float
            IntVector bits = (IntVector) ShortVector.fromMemorySegment(S_HALF, packed, at, LE).castShape(I, 0);
            IntVector magnitude = bits.lanewise(VectorOperators.LSHL, 13).and(0x0FFFE000);
            FloatVector d = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                    .or(bits.and(0x80000000)).reinterpretAsFloats();
            if (magnitude.compare(VectorOperators.GE, 0x7C00 << 13).anyTrue()) {
                d = scalesOneByOne(at);
            }
            for (int u = 0; u < 4; u++) {
                Q8KActivations x = a[t + u];
                int o = (4 * (t + u) + g) * G;
                FloatVector isum = FloatVector.fromArray(F, sums, (4 * u + g) * G).sub(8 * x.sums[b * 8 + j]);
                FloatVector.fromArray(F, out, o).add(d.mul(x.d[b]).mul(isum)).intoArray(out, o);
            }
        }
    }
}
