package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.I;
import static dev.jllm.runtime.tensor.Simd.L;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Q4_K weights repacked once (at the first vector matmul) for an integer kernel that computes {@link Simd#L}
 * rows at a time, one row per lane, against {@link Q8KActivations}: no per-row horizontal sum, no float
 * decoding, and every weight byte read once per token.
 *
 * <p>Layout: rows in groups of {@code G = L}; per group and super-block of 256 columns, {@code 152 * G} bytes
 * (the file's 144 per row, plus 8 for unpacked scales): {@code d[G]} and {@code dmin[G]} as floats, the
 * eight 6-bit scales as {@code sc[8][G]} bytes, the eight minimums as {@code m[8][G]}, then for each sub-block
 * {@code j} and quad {@code k} (columns {@code c = 32 j + 4 k .. + 3}) {@code 2 G} bytes: byte {@code 2 r + e}
 * holds row {@code r}'s nibble of column {@code c + e} in its low half and of column {@code c + 2 + e} in its
 * high half. Widened to 16-bit lanes, lane {@code 2 r + e} meets the activation pair broadcast as one int, so
 * a 16-bit multiply and add per nibble half suffice; each 16-bit lane sums 16 products of at most 15 * 127
 * (30480 in all: no overflow) before a sub-block's lanes are folded into one int per row.
 *
 * <p>Per row and super-block {@code s}: {@code sumi = sum_j sc_j * sum_(c in j) q_c a_c},
 * {@code summ = sum_j m_j * sums_j}, and the row's float result adds
 * {@code (d * a.d) * (float) sumi - (dmin * a.d) * (float) summ} in super-block order, each operation rounded
 * (never fused): {@link Q4_KTensor#dotScalar} computes the same from the file layout, bit for bit.
 */
final class Q4_KPacked {

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Rows per group: one per float lane. */
    static final int G = L;
    /** 16-bit lanes: two per row. */
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, F.vectorShape());
    /** The bytes of one quad of a group: widened, they fill {@link #S}. */
    private static final VectorSpecies<Byte> QUAD = VectorSpecies.of(byte.class, VectorShape.forBitSize(16 * G));
    /** One byte per row (at least 64 bits): the scales or minimums of one sub-block, widened to ints. */
    private static final VectorSpecies<Byte> PER_ROW = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, 8 * G)));

    private static final int SCALES = 8 * G;
    private static final int MINS = SCALES + 8 * G;
    private static final int QS = MINS + 8 * G;
    /** Bytes per group and super-block. */
    static final int SUPER = QS + 128 * G;

    private final MemorySegment packed;
    private final int rows;
    private final int blocks;
    private final long groupBytes;

    private Q4_KPacked(MemorySegment packed, int rows, int blocks) {
        this.packed = packed;
        this.rows = rows;
        this.blocks = blocks;
        this.groupBytes = (long) blocks * SUPER;
    }

    /** Bytes of the repacked copy of {@code rows x cols} weights: about the file's size times 152 / 144. */
    static long bytes(int rows, int cols) {
        return (long) ((rows + G - 1) / G) * (cols / 256) * SUPER;
    }

    /** Repacks the file-layout Q4_K weights of {@code t} (off-heap, freed with the returned object). */
    static Q4_KPacked of(Q4_KTensor t) {
        int rows = t.rows();
        int blocks = t.cols() / 256;
        MemorySegment out = Arena.ofAuto().allocate(bytes(rows, t.cols()), 64);
        MemorySegment in = t.data;
        byte[] sb = new byte[SUPER];
        int[] s = new int[12];
        for (int g = 0; g < (rows + G - 1) / G; g++) {
            for (int b = 0; b < blocks; b++) {
                java.util.Arrays.fill(sb, (byte) 0);
                for (int r = 0; r < G && g * G + r < rows; r++) {
                    long at = (g * G + r) * t.rowBytes + b * 144L;
                    putFloat(sb, 4 * r, Float.float16ToFloat(in.get(DecodingTensor.SHORT_LE, at)));
                    putFloat(sb, 4 * (G + r), Float.float16ToFloat(in.get(DecodingTensor.SHORT_LE, at + 2)));
                    for (int i = 0; i < 12; i++) {
                        s[i] = in.get(ValueLayout.JAVA_BYTE, at + 4 + i) & 0xFF;
                    }
                    for (int j = 0; j < 8; j++) {
                        sb[SCALES + j * G + r] = (byte) KScales.scale(s, j);
                        sb[MINS + j * G + r] = (byte) KScales.min(s, j);
                    }
                    for (int c = 0; c < 256; c++) {
                        int q = Q4_KTensor.nibble(in, at, c);
                        int j = c / 32;
                        int k = (c % 32) / 4;
                        int e = c & 1;
                        int high = (c >> 1) & 1;
                        int o = QS + (j * 8 + k) * 2 * G + 2 * r + e;
                        sb[o] |= (byte) (q << (4 * high));
                    }
                }
                MemorySegment.copy(sb, 0, out, ValueLayout.JAVA_BYTE, (long) g * blocks * SUPER + (long) b * SUPER, SUPER);
            }
        }
        return new Q4_KPacked(out, rows, blocks);
    }

    private static void putFloat(byte[] b, int at, float v) {
        int bits = Float.floatToRawIntBits(v);
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (bits >>> (8 * i));
        }
    }

    /**
     * {@code out[t * outStride + r]} for rows {@code [rowFrom, rowTo)} and the {@code n} tokens of {@code a}.
     * A group's bytes stay in L1/L2 while every token passes over them.
     */
    void matmul(int rowFrom, int rowTo, Q8KActivations[] a, int n, float[] out, int outStride, float[] lanes) {
        for (int g = rowFrom / G; g * G < rowTo; g++) {
            int r0 = g * G;
            boolean whole = r0 >= rowFrom && r0 + G <= rowTo;
            for (int t = 0; t < n; t++) {
                FloatVector v = group(g, a[t]);
                if (whole) {
                    v.intoArray(out, t * outStride + r0);
                } else {
                    v.intoArray(lanes, 0);
                    for (int r = Math.max(r0, rowFrom); r < Math.min(r0 + G, rowTo); r++) {
                        out[t * outStride + r] = lanes[r - r0];
                    }
                }
            }
        }
    }

    /** Row {@code row}'s dot product with {@code a}. */
    float dot(int row, Q8KActivations a) {
        return group(row / G, a).lane(row % G);
    }

    /** The {@link #G} rows of group {@code g} times {@code a}: lane {@code r} is row {@code g * G + r}. */
    private FloatVector group(int g, Q8KActivations a) {
        int[] pairs = a.pairs;
        FloatVector acc = FloatVector.zero(F);
        long at = g * groupBytes;
        for (int b = 0; b < blocks; b++, at += SUPER) {
            IntVector sumi = IntVector.zero(I);
            IntVector summ = IntVector.zero(I);
            for (int j = 0; j < 8; j++) {
                ShortVector acc16 = ShortVector.zero(S);
                long q = at + QS + j * 16L * G;
                int p = (b * 256 + j * 32) / 2;
                for (int k = 0; k < 8; k++) {
                    ShortVector w = (ShortVector) ByteVector.fromMemorySegment(QUAD, packed, q + k * 2L * G, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector lo = IntVector.broadcast(I, pairs[p + 2 * k]).reinterpretAsShorts();
                    ShortVector hi = IntVector.broadcast(I, pairs[p + 2 * k + 1]).reinterpretAsShorts();
                    acc16 = acc16.add(w.and((short) 0xF).mul(lo)).add(w.lanewise(VectorOperators.LSHR, 4).mul(hi));
                }
                // lanes 2r and 2r + 1 (row r, even and odd columns) into one int: sign-extend each half and add
                IntVector both = acc16.reinterpretAsInts();
                IntVector rowSum = both.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(both.lanewise(VectorOperators.ASHR, 16));
                IntVector sc = (IntVector) ByteVector.fromMemorySegment(PER_ROW, packed, at + SCALES + j * G, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                IntVector m = (IntVector) ByteVector.fromMemorySegment(PER_ROW, packed, at + MINS + j * G, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
                sumi = sumi.add(rowSum.mul(sc));
                summ = summ.add(m.mul(a.sums[b * 8 + j]));
            }
            float ad = a.d[b];
            FloatVector d = FloatVector.fromMemorySegment(F, packed, at, LE).mul(ad);
            FloatVector dmin = FloatVector.fromMemorySegment(F, packed, at + 4L * G, LE).mul(ad);
            FloatVector si = (FloatVector) sumi.convert(VectorOperators.I2F, 0);
            FloatVector sm = (FloatVector) summ.convert(VectorOperators.I2F, 0);
            acc = acc.add(d.mul(si).sub(dmin.mul(sm)));
        }
        return acc;
    }
}
