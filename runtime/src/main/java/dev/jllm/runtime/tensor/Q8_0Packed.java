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
 * Q8_0 rows repacked for the integer kernel ({@link PackedRows}). Each weight {@code q} (a signed byte) is stored
 * as {@code u = q + 128} split into two nibbles, {@code u = 16 hi + lo}, so the 16-bit kernel of Q4_0 and Q4_K runs
 * twice over nibble planes (16 products of at most 15 * 127 per lane: no overflow, where 8-bit weights times 8-bit
 * activations would overflow 16-bit lanes after two products). Per group and 256 columns, {@code 272 G} bytes, the
 * file's size: {@code d[8][G]} as the file's F16 bits, the low-nibble planes as Q4_0's ({@code 128 G} bytes), then
 * the high-nibble planes in the same layout.
 *
 * <p>Per row and block: {@code isum = 16 * sum_c hi_c a_c + sum_c lo_c a_c - 128 * sums_j} (exactly
 * {@code sum_c q_c a_c}), and the result adds {@code (d * a.d) * (float) isum}, each operation rounded
 * ({@link Q8_0Tensor#integerDotScalar}). The several-token path decodes {@code q} itself (at most 128 in magnitude:
 * 32 * 128 * 127 is exact in float) and combines per block as Q4_0 does.
 */
final class Q8_0Packed extends PackedRows implements PackedRows.ScaledSums {

    private static final int QS = 16 * G;
    private static final int SUPER = QS + 256 * G;

    Q8_0Packed(Q8_0Tensor t) {
        super(t, SUPER, QS, true, true, -1, -1, (src, r, sb, mag) -> {
            for (int j = 0; j < 8; j++) {
                long block = (long) j * Q8_0Tensor.BLOCK_BYTES;
                // the F16 bits as they are (little-endian both)
                sb[2 * (j * G + r)] = src.get(ValueLayout.JAVA_BYTE, block);
                sb[2 * (j * G + r) + 1] = src.get(ValueLayout.JAVA_BYTE, block + 1);
                for (int i = 0; i < 32; i++) {
                    int c = 32 * j + i;
                    int u = src.get(ValueLayout.JAVA_BYTE, block + 2 + i) + 128;
                    int at = QS + (c / 4) * 2 * G + 2 * r + (c & 1);
                    int shift = 4 * ((c >> 1) & 1);
                    sb[at] |= (byte) ((u & 0xF) << shift);
                    sb[at + 128 * G] |= (byte) ((u >>> 4) << shift);
                }
            }
        });
    }

    @Override
    void combine(long at, int b, int[] sums, int u, Q8KActivations x, float[] out, int o) {
        FloatVector acc = FloatVector.fromArray(F, out, o);
        // all written out, no helper taking or returning vectors (one left out of line by C2 boxes them per call)
        for (int j = 0; j < 8; j++) {
            // the G scales from F16, as in Q4_0Packed.combine
            IntVector bits = (IntVector) ShortVector.fromMemorySegment(S_HALF, packed, at + 2L * j * G, LE)
                    .castShape(I, 0);
            IntVector magnitude = bits.lanewise(VectorOperators.LSHL, 13).and(0x0FFFE000);
            FloatVector d = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                    .or(bits.and(0x80000000)).reinterpretAsFloats();
            if (magnitude.compare(VectorOperators.GE, 0x7C00 << 13).anyTrue()) {
                d = scalesOneByOne(at + 2L * j * G); // infinity or NaN: only in a damaged file
            }
            IntVector lo = IntVector.fromArray(I, sums, (u * 16 + j) * G);
            IntVector hi = IntVector.fromArray(I, sums, (u * 16 + 8 + j) * G);
            IntVector isum = hi.lanewise(VectorOperators.LSHL, 4).add(lo).sub(128 * x.sums[b * 8 + j]);
            acc = acc.add(d.mul(x.d[b]).mul((FloatVector) isum.convert(VectorOperators.I2F, 0)));
        }
        acc.intoArray(out, o);
    }

    @Override
    public void combineBlock(int g0, int ng, int b, int j, float[] sums, Q8KActivations[] a, int t, float[] out) {
        for (int g = 0; g < ng; g++) {
            long at = at(g0 + g, b) + 2L * j * G;
            // combine's steps for block j, written out as there; the exact sum sum_c q_c a_c comes as a float
            IntVector bits = (IntVector) ShortVector.fromMemorySegment(S_HALF, packed, at, LE).castShape(I, 0);
            IntVector magnitude = bits.lanewise(VectorOperators.LSHL, 13).and(0x0FFFE000);
            FloatVector d = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                    .or(bits.and(0x80000000)).reinterpretAsFloats();
            if (magnitude.compare(VectorOperators.GE, 0x7C00 << 13).anyTrue()) {
                d = scalesOneByOne(at);
            }
            for (int u = 0; u < 4; u++) {
                int o = (4 * (t + u) + g) * G;
                FloatVector isum = FloatVector.fromArray(F, sums, (4 * u + g) * G);
                FloatVector.fromArray(F, out, o).add(d.mul(a[t + u].d[b]).mul(isum)).intoArray(out, o);
            }
        }
    }
}
