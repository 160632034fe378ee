package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.I;
import static dev.jllm.runtime.tensor.Simd.L;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Weights repacked once (at the first vector matmul) for integer kernels that compute {@link #G} rows at a time,
 * one row per lane, against {@link Q8KActivations}: no per-row horizontal sum, no float decoding, each weight
 * byte read once per token. Rows come in groups of {@code G}; a group's super-blocks (256 columns each) are
 * {@code superBytes} apiece, one after the other. Within them, weights are arranged by quads of columns
 * {@code c .. c + 3}: {@code 2 G} bytes per plane, byte {@code 2 r + e} for row {@code r} and column
 * {@code c + e} (and, in a second nibble or plane, {@code c + 2 + e}). Widened to 16-bit lanes, lane
 * {@code 2 r + e} meets the activation pair {@code (a[c], a[c + 1])} broadcast as one int, so one 16-bit
 * multiply and add per plane suffice; lanes {@code 2 r} and {@code 2 r + 1} are folded into one int per row at
 * the end of each scale's sub-block, before any 16-bit sum can overflow.
 *
 * <p>The row results are exact integer sums combined in float in super-block order, per lane; each type's
 * scalar oracle computes the same from the file layout, bit for bit. A row's result does not depend on the
 * token count or the row range.
 */
abstract sealed class PackedRows permits Q4_0Packed, Q4_KPacked, Q6_KPacked {

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Rows per group: one per float lane. */
    static final int G = L;
    /** 16-bit lanes: two per row. */
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, F.vectorShape());
    /** One plane of a quad ({@code 2 G} bytes): widened, it fills {@link #S}. */
    static final VectorSpecies<Byte> QUAD = VectorSpecies.of(byte.class, VectorShape.forBitSize(16 * G));
    /** One byte per row (at least 64 bits): the scales or minimums of one sub-block, widened to ints. */
    static final VectorSpecies<Byte> PER_ROW = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, 8 * G)));

    final MemorySegment packed;
    final int blocks;
    private final long groupBytes;

    /** A row's share of one super-block in the packed layout, written by {@link #of}. */
    interface RowPacker {
        /** Writes row {@code r} (0 .. G-1) of the 256 columns at byte {@code at} of the file into {@code sb}. */
        void pack(long at, int r, byte[] sb);
    }

    PackedRows(WeightTensor t, int superBytes, RowPacker packer) {
        this.blocks = t.cols() / 256;
        this.groupBytes = (long) blocks * superBytes;
        int groups = (t.rows() + G - 1) / G;
        // off-heap, freed when this object is unreachable; about the file's bytes for these rows plus the margin of
        // the unpacked scales
        this.packed = Arena.ofAuto().allocate(groups * groupBytes, 64);
        byte[] sb = new byte[superBytes];
        for (int g = 0; g < groups; g++) {
            for (int b = 0; b < blocks; b++) {
                java.util.Arrays.fill(sb, (byte) 0);
                for (int r = 0; r < G && g * G + r < t.rows(); r++) {
                    packer.pack((g * G + r) * t.rowBytes() + b * t.type().byteSize(256), r, sb);
                }
                MemorySegment.copy(sb, 0, packed, ValueLayout.JAVA_BYTE, g * groupBytes + (long) b * superBytes, superBytes);
            }
        }
    }

    /** Writes the {@link #G} results of group {@code g} times {@code a} to {@code out[off ..]}. */
    abstract void group(int g, Q8KActivations a, float[] out, int off);

    /** Byte offset of super-block {@code b} of group {@code g}. */
    final long at(int g, int b) {
        return g * groupBytes + (long) b * (groupBytes / blocks);
    }

    /**
     * {@code out[t * outStride + r]} for rows {@code [rowFrom, rowTo)} and the {@code n} tokens of {@code a}.
     * A group's bytes stay in L1/L2 while every token passes over them; a group cut by the range is computed
     * whole and only its rows in the range written.
     */
    final void matmul(int rowFrom, int rowTo, Q8KActivations[] a, int n, float[] out, int outStride, float[] lanes) {
        for (int g = rowFrom / G; g * G < rowTo; g++) {
            int r0 = g * G;
            boolean whole = r0 >= rowFrom && r0 + G <= rowTo;
            for (int t = 0; t < n; t++) {
                if (whole) {
                    group(g, a[t], out, t * outStride + r0);
                } else {
                    group(g, a[t], lanes, 0);
                    for (int r = Math.max(r0, rowFrom); r < Math.min(r0 + G, rowTo); r++) {
                        out[t * outStride + r] = lanes[r - r0];
                    }
                }
            }
        }
    }

    /** Row {@code row}'s dot product with {@code a}. */
    final float dot(int row, Q8KActivations a) {
        float[] lanes = new float[G];
        group(row / G, a, lanes, 0);
        return lanes[row % G];
    }

    /** The activation pair {@code (a[2 i], a[2 i + 1])} in every pair of 16-bit lanes. */
    static ShortVector pair(int[] pairs, int i) {
        return IntVector.broadcast(I, pairs[i]).reinterpretAsShorts();
    }

    /** Lanes {@code 2 r} and {@code 2 r + 1} of {@code acc} (row {@code r}, even and odd columns) as one int. */
    static IntVector rowSums(ShortVector acc) {
        IntVector both = acc.reinterpretAsInts();
        return both.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                .add(both.lanewise(VectorOperators.ASHR, 16));
    }

    /** The {@link #G} bytes at {@code at} as ints, zero- or sign-extended. */
    final IntVector perRow(long at, boolean signed) {
        return (IntVector) ByteVector.fromMemorySegment(PER_ROW, packed, at, LE)
                .convertShape(signed ? VectorOperators.B2I : VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    /** One plane of {@code 2 G} bytes at {@code at} widened to 16-bit lanes, zero- or sign-extended. */
    final ShortVector plane(long at, boolean signed) {
        return (ShortVector) ByteVector.fromMemorySegment(QUAD, packed, at, LE)
                .convertShape(signed ? VectorOperators.B2S : VectorOperators.ZERO_EXTEND_B2S, S, 0);
    }

    static void putFloat(byte[] b, int at, float v) {
        int bits = Float.floatToRawIntBits(v);
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (bits >>> (8 * i));
        }
    }
}
