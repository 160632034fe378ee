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
import jdk.incubator.vector.VectorShuffle;
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
abstract sealed class PackedRows permits F16BlockPacked, Q4_KPacked, Q6_KPacked {

    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Rows per group: one per float lane. */
    static final int G = L;
    /** 16-bit lanes: two per row. */
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, F.vectorShape());
    /** One plane of a quad ({@code 2 G} bytes): widened, it fills {@link #S}. */
    static final VectorSpecies<Byte> QUAD = VectorSpecies.of(byte.class, VectorShape.forBitSize(16 * G));
    /** One byte per row (at least 64 bits): the scales or minimums of one sub-block, widened to ints. */
    static final VectorSpecies<Byte> PER_ROW = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, 8 * G)));

    /**
     * Where every copy starts within a 4 KB page: 64 bytes past its boundary. Decoding speed depends on it, and this
     * offset is the one measured good (bench/README.md, "Placement"): tl-Q8_0 decoded at 0.41-0.59x with its copies
     * page-aligned (under three collectors), 0.56-0.58x at 128, 512, 1024 or 4032 bytes, and as fast as before at 32
     * or 64. Before, malloc chose: large blocks happened to land 64 bytes past a page (its 16-byte header rounded up
     * to the 64-byte alignment), small ones anywhere (a 1 MB block 1216 bytes past one).
     */
    static final int PAGE_OFFSET = 64;
    private static final int PAGE = 4096;

    final MemorySegment packed;
    final int blocks;
    /** Byte offset of the weight planes within a super-block. */
    private final int planes;
    /** Whether the planes hold nibbles (Q4_0, Q4_K: sub-blocks of 32) or signed bytes (Q6_K: sub-blocks of 16). */
    private final boolean nibbles;
    /**
     * Whether a second set of nibble planes follows the first ({@code 128 G} bytes on): the high nibbles of Q8_0's
     * {@code q + 128}, whose sums go to sub-block slots 8..15.
     */
    final boolean halves;
    /**
     * Byte offset of the integer sub-block scales ({@code sc[j][G]}, unsigned for nibbles, signed for bytes), or
     * -1 for a type without them (Q4_0: float scales per block of 32), whose several-token path combines per block.
     */
    private final int scales;
    /** Byte offset of the integer sub-block minimums ({@code m[8][G]}, unsigned), or -1 for none. */
    private final int mins;
    private final long groupBytes;

    /** A row's share of one super-block in the packed layout, written by {@link #of}. */
    interface RowPacker {
        /**
         * Writes row {@code r} (0 .. G-1) of 256 columns, whose file bytes {@code src} holds from 0, into {@code sb};
         * a type with integer scales also adds the magnitude of every weight of 32-column chunk {@code k} with its
         * scale folded in ({@code |sc_j * q_c|}) to {@code mag[8 r + k]}, which bounds the several-token path's
         * windows.
         */
        void pack(MemorySegment src, int r, byte[] sb, int[] mag);
    }

    /** The F16 value at byte {@code at} of {@code src} as a float. */
    static float half(MemorySegment src, long at) {
        return Float.float16ToFloat(src.get(HALF, at));
    }

    /** Built once: {@code withOrder} makes a new layout per call, which the repack then hashed and boxed per half. */
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    PackedRows(WeightTensor t, int superBytes, int planes, boolean nibbles, int scales, int mins, RowPacker packer) {
        this(t, superBytes, planes, nibbles, false, scales, mins, packer);
    }

    PackedRows(WeightTensor t, int superBytes, int planes, boolean nibbles, boolean halves, int scales, int mins,
            RowPacker packer) {
        this.blocks = t.cols() / 256;
        this.planes = planes;
        this.nibbles = nibbles;
        this.halves = halves;
        this.scales = scales;
        this.mins = mins;
        this.groupBytes = (long) blocks * superBytes;
        int groups = (t.rows() + G - 1) / G;
        // off-heap, freed when this object is unreachable; about the file's bytes for these rows plus the margin of
        // the unpacked scales, starting PAGE_OFFSET bytes past a page boundary
        long bytes = groups * groupBytes;
        this.packed = Arena.ofAuto().allocate(bytes + PAGE_OFFSET, PAGE).asSlice(PAGE_OFFSET, bytes);
        this.chunks = scales >= 0 ? new byte[groups * blocks] : null;
        this.source = t;
        this.packer = packer;
        this.superBytes = superBytes;
    }

    // What fill() reads; dropped once it has run.
    private WeightTensor source;
    private RowPacker packer;
    private final int superBytes;

    /**
     * Writes the packed rows into the copy the constructor allocated. Apart from the constructor so that a model can
     * allocate its matrices' copies one after another and fill them on several threads (allocating them on several
     * threads at once interleaves their pages). Called once, before any kernel reads this copy.
     */
    final void fill() {
        WeightTensor t = source;
        int groups = (t.rows() + G - 1) / G;
        boolean scaled = scales >= 0;
        // each row's super-block is copied to a small heap array first: the packers read it element by element,
        // cheaper there than through the file mapping's checks
        int srcBytes = (int) t.type().byteSize(256);
        byte[] src = new byte[srcBytes];
        MemorySegment srcSegment = MemorySegment.ofArray(src);
        byte[] sb = new byte[superBytes];
        int[] mag = new int[8 * G];
        for (int g = 0; g < groups; g++) {
            for (int b = 0; b < blocks; b++) {
                java.util.Arrays.fill(sb, (byte) 0);
                java.util.Arrays.fill(mag, 0);
                for (int r = 0; r < G && g * G + r < t.rows(); r++) {
                    MemorySegment.copy(t.data, ValueLayout.JAVA_BYTE, (g * G + r) * t.rowBytes() + (long) b * srcBytes,
                            src, 0, srcBytes);
                    packer.pack(srcSegment, r, sb, mag);
                }
                MemorySegment.copy(sb, 0, packed, ValueLayout.JAVA_BYTE, g * groupBytes + (long) b * superBytes, superBytes);
                if (scaled) {
                    chunks[g * blocks + b] = (byte) windowChunks(mag);
                }
            }
        }
        source = null;
        packer = null;
    }

    /**
     * Per group and super-block ({@code g * blocks + b}), the 32-column chunks a window of the several-token path may
     * span: 8, 4, 2 or 1 (see {@link #windowChunks(int[])}); null for a type without integer scales.
     */
    private final byte[] chunks;

    /**
     * Writes the {@link #G} results of group {@code g} times {@code a} to {@code out[off ..]}: per super-block, the
     * 16-bit integer kernel's sub-block sums, then the type's scales, minimums and float steps in a fixed order (its
     * scalar oracle's). Every type fuses the two (the sums folded and scaled in registers) or, where that measured
     * slower, keeps them apart ({@link F16BlockPacked}).
     */
    abstract void group(Scratch scratch, int g, Q8KActivations a, float[] out, int off);

    /**
     * {@link #group} for tokens {@code t .. t + 3} of {@code a}, token {@code u}'s results to
     * {@code out[off + u * stride ..]}: each plane is loaded and widened once for the four, the rest per token as in
     * {@link #group} (the same integer sums and float steps), so the same bits as four calls of it. Every type fuses
     * its float steps into the kernel here, its scales widened once for the four tokens and the results kept in
     * registers (12-16% more aggregate speed for four sequences decoding together than sums stored and combined per
     * token).
     */
    abstract void group4(Scratch scratch, int g, Q8KActivations[] a, int t, float[] out, int off, int stride);

    /**
     * {@link #group4} for groups {@code g} and {@code g + 1}, group {@code g}'s results to {@code out[off + u *
     * stride ..]} and {@code g + 1}'s {@code G} floats after them: the same bits. Here two calls; a type whose
     * four-token kernel has the registers for a second group overrides it to broadcast each token's activations once
     * for both (Q4_0, {@link F16BlockPacked}).
     */
    void group4Pair(Scratch scratch, int g, Q8KActivations[] a, int t, float[] out, int off, int stride) {
        group4(scratch, g, a, t, out, off, stride);
        group4(scratch, g + 1, a, t, out, off + G, stride);
    }

    /** Byte offset of super-block {@code b} of group {@code g}. */
    final long at(int g, int b) {
        return g * groupBytes + (long) b * (groupBytes / blocks);
    }

    /** Per-thread buffers of the several-token path. */
    static final class Scratch {
        /** Two or three tokens padded to four for {@link #group4Pair}, and its results for them (two groups). */
        final Q8KActivations[] pad = new Q8KActivations[4];
        final float[] padOut = new float[4 * 2 * G];
        final int[] sums = new int[16 * G];
        /** Four tokens' sub-block sums for {@link #group4}. */
        final int[] sums4 = new int[4 * 16 * G];
        /** Decoded weights of four groups, scales folded in, then the minimums (Q4_K): 264 columns. */
        final float[] wide = new float[264 * ExactGemm.COLUMN];
        final int[] sumi = new int[16 * G];
        final int[] summ = new int[16 * G];
        final float[] tmp = new float[16 * G];
        /** Q4_0's or Q4_K's decoded weights of four groups as shorts ({@link NarrowGemm}): 256 columns. */
        final short[] narrowWeights = new short[128 * NarrowGemm.PAIR];
        /** Q4_K's sub-block scales of one super-block for {@link NarrowGemm#block}: eight sub-blocks of four groups. */
        final int[] subScales = new int[8 * 4 * G];
        /** Q4_0's block scales of one super-block for {@link NarrowGemm#blockQ4_0}: eight blocks of four groups. */
        final float[] blockScales = new float[8 * 4 * G];
        float[] part = new float[0];

        float[] part(int n) {
            if (part.length < n * G) {
                part = new float[n * G];
            }
            return part;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * Fewer tokens than this run the packed kernels over the packed bytes ({@link #group4}, {@link #group}) rather
     * than the decoded-weights path: decoding four groups' super-blocks costs
     * about as much as four tokens' passes of the 16-bit kernel over the packed bytes (5632 x 2048 Q4_K, one thread,
     * side by side: 4 tokens 2.9 ms through the decoded path against 1.9 ms in single-token passes; 8 tokens 3.4
     * against 3.8-4.0; 16 tokens 7.2 against 11.4).
     */
    static final int MIN_SEVERAL = 8;

    /**
     * {@code out[t * outStride + r]} for rows {@code [rowFrom, rowTo)} and the {@code n} tokens of {@code a}: from
     * {@link #MIN_SEVERAL} tokens on, whole fours of tokens through the decoded-weights path
     * ({@link #matmulScaled}); the rest by fours through {@link #group4} (two whole groups at a time through
     * {@link #group4Pair}; two or three tokens left over padded to four), a single one through {@link #group}. A group cut by the range is computed token by token, whole, into a buffer
     * ({@code lanes}: at least {@code G} floats, for one token) and only its rows in the range copied.
     */
    final void matmul(int rowFrom, int rowTo, Q8KActivations[] a, int n, float[] out, int outStride, float[] lanes) {
        int quads = n < MIN_SEVERAL ? 0 : n & ~3;
        if (quads > 0) {
            matmulScaled(rowFrom, rowTo, a, quads, out, outStride);
        }
        // looked up once per matmul: per group (a decode step makes tens of thousands of these calls) the lookup was
        // 5% of the samples of four sequences decoding together
        Scratch scratch = SCRATCH.get();
        for (int g = rowFrom / G; g * G < rowTo; g++) {
            int r0 = g * G;
            boolean whole = r0 >= rowFrom && r0 + G <= rowTo;
            // whole groups go two at a time where the next one is whole too (group4Pair)
            int span = whole && r0 + 2 * G <= rowTo ? 2 : 1;
            int t = quads;
            if (whole) {
                // fours of tokens share each plane's load (a decode step of several sequences)
                for (; t + 4 <= n; t += 4) {
                    if (span == 2) {
                        group4Pair(scratch, g, a, t, out, t * outStride + r0, outStride);
                    } else {
                        group4(scratch, g, a, t, out, t * outStride + r0, outStride);
                    }
                }
                if (n - t >= 2) {
                    // two or three tokens (as many sequences decoding together) share the plane loads too: padded
                    // to four with the last one repeated, the extra results dropped. Each token's result is still
                    // group()'s bits, and the weights are read once instead of per token (two sequences of tl-Q4_0:
                    // 1.19-1.22x one sequence's aggregate, against 0.97-1.06x token by token)
                    Q8KActivations[] p4 = scratch.pad;
                    for (int u = 0; u < 4; u++) {
                        p4[u] = a[Math.min(t + u, n - 1)];
                    }
                    if (span == 2) {
                        group4Pair(scratch, g, p4, 0, scratch.padOut, 0, 2 * G);
                    } else {
                        group4(scratch, g, p4, 0, scratch.padOut, 0, G);
                    }
                    for (int u = 0; t + u < n; u++) {
                        System.arraycopy(scratch.padOut, u * span * G, out, (t + u) * outStride + r0, span * G);
                    }
                    t = n;
                }
            }
            for (; t < n; t++) {
                if (whole) {
                    for (int h = 0; h < span; h++) {
                        group(scratch, g + h, a[t], out, t * outStride + r0 + h * G);
                    }
                } else {
                    group(scratch, g, a[t], lanes, 0);
                    copyInRange(lanes, r0, rowFrom, rowTo, 1, out, t * outStride, outStride);
                }
            }
            g += span - 1;
        }
    }

    // Q4_K and Q6_K (types with integer sub-block scales): the scales are folded into the decoded weights
    // (sc_j * q, at most 945 or 4096 in magnitude, exact as floats), so a token's sumi = sum_j sc_j * sum_(c in j)
    // q_c a_c is one exact sum over a window of columns instead of one per sub-block, and four groups of rows
    // (64 with 512-bit vectors) share each token's broadcast: the 4 x 4 register block of ExactGemm, which
    // measured faster than four tokens over one group (four accumulators: one load per fused multiply-add, and
    // four chains of the multiply-add's latency) and the per-sub-block conversions and scale products it replaces.
    // A window is as wide as the weights allow: the widest of 256, 128, 64 or 32 columns whose every row's sum of
    // magnitudes is within ExactGemm.LIMIT (32 columns always are: 32 * 945 and 32 * 4096 are). Q4_K's minimums
    // are eight more columns (m_j times the token's sub-block sums, at most 8 * 63 * 4064 in all: exact).

    // Q8_0 (an F16 scale per block of 32 columns, no integer scales: F16BlockPacked) runs the same register block
    // over windows of one block of its stored weights (at most 255, so 32 * 255 * 127 is exact) and combines each
    // block as it comes: the float steps of its single-token combine, block by block in the same order. The nibble
    // types run NarrowGemm instead (16-bit products, exact for a (sub-)block of 32 columns): Q4_0 with the same per-block
    // combine, Q4_K with its sub-block scales applied to each sub-block's exact sum (the same sumi).

    // The float steps of the several-token path, from its exact sums: each type overrides the one its scales need.

    /**
     * Adds super-block {@code b}'s share of groups {@code g0 .. g0 + ng - 1} to tokens {@code t .. t + 3}'s results,
     * {@code out[(4 (t + u) + g) * G ..]}, from {@code sumi[(4 u + g) * G ..]} (and, for a type with minimums,
     * {@code summ}): the same float steps as {@link #group}. For a type with integer sub-block scales (Q4_K, Q6_K);
     * {@code sumi} sums every window of the super-block.
     */
    void combineScaled(int g0, int ng, int b, int[] sumi, int[] summ, Q8KActivations[] a, int t, float[] out) {
        throw new UnsupportedOperationException("a type with a float scale per block combines per block");
    }

    /**
     * What the stored weights exceed the signed ones by, for a type with a float scale per block of 32 (Q4_0: 8,
     * Q8_0: 128), whose several-token path combines each block as it comes ({@link NarrowGemm#blockQ4_0},
     * {@link ExactGemm#blockQ8_0}).
     */
    int storedOffset() {
        throw new UnsupportedOperationException("a type with integer sub-block scales combines per super-block");
    }

    /** {@link #matmul}'s whole fours of tokens, four groups of rows at a time. */
    private void matmulScaled(int rowFrom, int rowTo, Q8KActivations[] a, int quads, float[] out,
            int outStride) {
        Scratch s = SCRATCH.get();
        float[] part = s.part(4 * quads);
        int extra = mins >= 0 ? 8 : 0;
        int gTo = (rowTo + G - 1) / G;
        for (int g0 = rowFrom / G; g0 < gTo; g0 += 4) {
            int ng = Math.min(4, gTo - g0);
            java.util.Arrays.fill(part, 0, 4 * quads * G, 0f);
            for (int b = 0; b < blocks; b++) {
                if (narrowPath()) {
                    decodeNarrow(g0, ng, b, s.narrowWeights, scales < 0 ? Q4_0_OFFSET : 0);
                    if (scales < 0) {
                        blockScales(g0, ng, b, s.blockScales);
                    } else {
                        subScales(g0, ng, b, s.subScales);
                    }
                    if (mins >= 0) {
                        decodeMins(g0, ng, b, s.wide);
                    }
                    for (int t = 0; t < quads; t += 4) {
                        Q8KActivations x0 = a[t], x1 = a[t + 1], x2 = a[t + 2], x3 = a[t + 3];
                        if (scales < 0) {
                            // Q4_0: per block, its exact sums combined as they come
                            for (int j = 0; j < 8; j++) {
                                NarrowGemm.blockQ4_0(s.narrowWeights, j, x0, x1, x2, x3, 256 * b + 32 * j,
                                        s.blockScales, 4 * j * G, 8 * b + j, part, t);
                            }
                            continue;
                        }
                        // Q4_K: sumi = sum_j sc_j * (the sub-block's sum), the minimums as the float path's
                        java.util.Arrays.fill(s.sumi, 0);
                        for (int j = 0; j < 8; j++) {
                            NarrowGemm.block(s.narrowWeights, j, x0, x1, x2, x3, 256 * b + 32 * j, s.subScales,
                                    4 * j * G, s.sumi);
                        }
                        ExactGemm.sums4x4(s.wide, 256 * ExactGemm.COLUMN, 8, x0.subSums, x1.subSums, x2.subSums,
                                x3.subSums, 8 * b, s.summ, false, s.tmp);
                        combineScaled(g0, ng, b, s.sumi, s.summ, a, t, part);
                    }
                    continue;
                }
                int width = decodeScaled(g0, ng, b, s.wide);
                if (scales < 0) {
                    blockScales(g0, ng, b, s.blockScales);
                }
                for (int t = 0; t < quads; t += 4) {
                    Q8KActivations x0 = a[t], x1 = a[t + 1], x2 = a[t + 2], x3 = a[t + 3];
                    if (scales < 0) {
                        // Q8_0: per block, its exact sums combined as they come
                        for (int j = 0; j < 8; j++) {
                            ExactGemm.blockQ8_0(s.wide, 32 * j * ExactGemm.COLUMN, x0, x1, x2, x3, 256 * b + 32 * j,
                                    storedOffset(), s.blockScales, 4 * j * G, 8 * b + j, part, t);
                        }
                        continue;
                    }
                    for (int c = 0; c < 256; c += width) {
                        ExactGemm.sums4x4(s.wide, c * ExactGemm.COLUMN, width, x0.values, x1.values, x2.values,
                                x3.values, 256 * b + c, s.sumi, c > 0, s.tmp);
                    }
                    if (extra > 0) {
                        ExactGemm.sums4x4(s.wide, 256 * ExactGemm.COLUMN, extra, x0.subSums, x1.subSums, x2.subSums,
                                x3.subSums, extra * b, s.summ, false, s.tmp);
                    }
                    combineScaled(g0, ng, b, s.sumi, s.summ, a, t, part);
                }
            }
            for (int t = 0; t < quads; t++) {
                for (int g = 0; g < ng; g++) {
                    int r0 = (g0 + g) * G;
                    int lo = Math.max(r0, rowFrom);
                    int hi = Math.min(r0 + G, rowTo);
                    System.arraycopy(part, (4 * t + g) * G + lo - r0, out, t * outStride + lo, hi - lo);
                }
            }
        }
    }

    /**
     * Whether several tokens take {@link NarrowGemm} (16-bit products): the nibble types, Q4_0 (signed as
     * {@code q - 8}) and Q4_K (unsigned, its sub-block scales applied to each sub-block's exact sum). Side by side in
     * one process against the float register block ({@link ExactGemm}), 2 threads, pp128: tl-Q4_0 1.17x (1.15 ..
     * 1.20 over 6 rounds; 111-115 against 93-99 tok/s) and 1.11x in a later run, tl-Q4_K_M 1.07x (1.03 .. 1.12;
     * its Q6_K matrices keep the float block).
     */
    private boolean narrowPath() {
        return nibbles && !halves;
    }

    /**
     * The F16 scales of the eight blocks of super-block {@code b} for groups {@code g0 .. g0 + ng - 1}, as floats:
     * block {@code j}'s for group {@code g} at {@code d[(4 j + g) * G ..]} (zeros for the groups past {@code ng}).
     * For a type with a float scale per block of 32 (Q4_0), whose several-token path combines in
     * {@link NarrowGemm#blockQ4_0}.
     */
    void blockScales(int g0, int ng, int b, float[] d) {
        throw new UnsupportedOperationException("a type with integer sub-block scales has no block scales");
    }

    /** What Q4_0's stored nibbles exceed its signed weights by. */
    private static final int Q4_0_OFFSET = 8;

    /**
     * Super-block {@code b} of groups {@code g0 .. g0 + ng - 1} ({@code ng <= 4}; the other places zero) as shorts
     * {@code nibble - offset} in {@link NarrowGemm}'s layout: per pair of columns and group, row by row, the two
     * columns' weights side by side, the planes' own byte order (so a plane's low nibbles are one pair, its high
     * nibbles the next).
     */
    private void decodeNarrow(int g0, int ng, int b, short[] w, int offset) {
        for (int g = 0; g < 4; g++) {
            int o = g * 2 * G;
            if (g >= ng) {
                for (int cp = 0; cp < 128; cp++) {
                    ShortVector.zero(S).intoArray(w, cp * NarrowGemm.PAIR + o);
                }
                continue;
            }
            long at = at(g0 + g, b);
            for (int p = 0; p < 64; p++) {
                ShortVector v = (ShortVector) ByteVector.fromMemorySegment(QUAD, packed, at + planes + p * 2L * G, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                v.and((short) 0xF).sub((short) offset).intoArray(w, 2 * p * NarrowGemm.PAIR + o);
                v.lanewise(VectorOperators.LSHR, 4).sub((short) offset).intoArray(w, (2 * p + 1) * NarrowGemm.PAIR + o);
            }
        }
    }

    /*
     * decodeMins and subScales run once per super-block and four groups of rows for all of a prompt's tokens (0.1%
     * of its work), and they are plain loops, not vector code: inlined into matmulScaled, their byte-to-int
     * conversions were in some processes left as calls and their results boxed (a polluted type profile; doubling
     * C2's node limits did not help): tl-Q4_K_M pp128 allocated 1.1-2.1 MB per token in 10 of 16 processes, all of
     * it at one of these two lines, for the whole run; as loops, none in 8 (with the other conversions' species
     * named, see the package doc).
     */

    /** Q4_K's minimums of super-block {@code b} as the columns {@code 256 + j} of {@code w} (see {@link #decodeGroupScaled}). */
    private void decodeMins(int g0, int ng, int b, float[] w) {
        for (int g = 0; g < 4; g++) {
            long at = g < ng ? at(g0 + g, b) + mins : -1;
            for (int j = 0; j < 8; j++) {
                int o = (256 + j) * ExactGemm.COLUMN + g * G;
                for (int r = 0; r < G; r++) {
                    w[o + r] = at < 0 ? 0f : packed.get(ValueLayout.JAVA_BYTE, at + (long) j * G + r) & 0xFF;
                }
            }
        }
    }

    /**
     * Q4_K's sub-block scales of super-block {@code b} for groups {@code g0 .. g0 + ng - 1} as ints: sub-block
     * {@code j}'s for group {@code g} at {@code sc[(4 j + g) * G ..]} (zeros past {@code ng}), for {@link NarrowGemm#block}.
     */
    private void subScales(int g0, int ng, int b, int[] sc) {
        for (int g = 0; g < 4; g++) {
            long at = g < ng ? at(g0 + g, b) + scales : -1;
            for (int j = 0; j < 8; j++) {
                int o = (4 * j + g) * G;
                for (int r = 0; r < G; r++) {
                    sc[o + r] = at < 0 ? 0 : packed.get(ValueLayout.JAVA_BYTE, at + (long) j * G + r) & 0xFF;
                }
            }
        }
    }

    /**
     * Writes super-block {@code b} of groups {@code g0 .. g0 + ng - 1} ({@code ng <= 4}; the other places zero)
     * with the sub-block scales folded in (see {@link #decodeGroupScaled}); returns the window width in columns
     * that all of them allow.
     */
    private int decodeScaled(int g0, int ng, int b, float[] w) {
        int width = 8;
        for (int g = 0; g < 4; g++) {
            int o = g * G;
            if (g < ng) {
                decodeGroupScaled(at(g0 + g, b), w, o);
                width = chunks == null ? 1 : Math.min(width, chunks[(g0 + g) * blocks + b]);
            } else {
                for (int c = 0; c < 264; c++) {
                    FloatVector.zero(F).intoArray(w, c * ExactGemm.COLUMN + o);
                }
            }
        }
        return 32 * width;
    }

    /**
     * One group's super-block (bytes at {@code at}) with the sub-block scales folded in:
     * {@code w[c * COLUMN + o + r] = sc_j(c) * q_c} for the 256 columns (Q4_0, without integer scales: {@code q_c}),
     * then the minimums {@code m_j} as columns {@code 256 + j} (Q4_K).
     */
    private void decodeGroupScaled(long at, float[] w, int o) {
        if (halves) {
            decodeHalves(at, w, o);
        } else if (nibbles) {
            decodeNibblesScaled(at, w, o);
        } else {
            decodeBytesScaled(at, w, o);
        }
        if (mins >= 0) {
            for (int j = 0; j < 8; j++) {
                ((FloatVector) ByteVector.fromMemorySegment(PER_ROW, packed, at + mins + (long) j * G, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0).convertShape(VectorOperators.I2F, F, 0))
                        .intoArray(w, (256 + j) * ExactGemm.COLUMN + o);
            }
        }
    }

    // The two decoders write the vector expressions out rather than call helpers that take or return vectors:
    // with several such calls in one method C2 leaves some out of line, and those box their vectors.

    /** Q4_K's or Q4_0's planes of one group and super-block (bytes at {@code at}), scales folded in, to {@code w[.. + o]}. */
    private void decodeNibblesScaled(long at, float[] w, int o) {
        for (int j = 0; j < 8; j++) {
            // sub-block j: 8 planes of 4 columns
            // Q4_0 has no integer scales: times one, exact
            FloatVector sc = scales < 0 ? FloatVector.broadcast(F, 1f)
                    : (FloatVector) ByteVector.fromMemorySegment(PER_ROW, packed, at + scales + (long) j * G, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0).convertShape(VectorOperators.I2F, F, 0);
            for (int p = 8 * j; p < 8 * j + 8; p++) {
                ShortVector v = ((ShortVector) ByteVector.fromMemorySegment(QUAD, packed, at + planes + p * 2L * G, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0)).rearrange(SPLIT);
                ShortVector lo = v.and((short) 0xF);
                ShortVector hi = v.lanewise(VectorOperators.LSHR, 4);
                int c = 4 * p * ExactGemm.COLUMN + o;
                ((FloatVector) lo.convertShape(VectorOperators.S2F, F, 0)).mul(sc).intoArray(w, c);
                ((FloatVector) lo.convertShape(VectorOperators.S2F, F, 1)).mul(sc).intoArray(w, c + ExactGemm.COLUMN);
                ((FloatVector) hi.convertShape(VectorOperators.S2F, F, 0)).mul(sc).intoArray(w, c + 2 * ExactGemm.COLUMN);
                ((FloatVector) hi.convertShape(VectorOperators.S2F, F, 1)).mul(sc).intoArray(w, c + 3 * ExactGemm.COLUMN);
            }
        }
    }

    /** Q8_0's two nibble sets of one group and super-block as the stored weights {@code u = 16 hi + lo = q + 128}. */
    private void decodeHalves(long at, float[] w, int o) {
        for (int p = 0; p < 64; p++) {
            ShortVector lo = ((ShortVector) ByteVector.fromMemorySegment(QUAD, packed, at + planes + p * 2L * G, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0)).rearrange(SPLIT);
            ShortVector hi = ((ShortVector) ByteVector
                    .fromMemorySegment(QUAD, packed, at + planes + 128L * G + p * 2L * G, LE)
                    .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0)).rearrange(SPLIT);
            ShortVector v0 = hi.and((short) 0xF).lanewise(VectorOperators.LSHL, 4).add(lo.and((short) 0xF));
            ShortVector v1 = hi.lanewise(VectorOperators.LSHR, 4).lanewise(VectorOperators.LSHL, 4)
                    .add(lo.lanewise(VectorOperators.LSHR, 4));
            int c = 4 * p * ExactGemm.COLUMN + o;
            ((FloatVector) v0.convertShape(VectorOperators.S2F, F, 0)).intoArray(w, c);
            ((FloatVector) v0.convertShape(VectorOperators.S2F, F, 1)).intoArray(w, c + ExactGemm.COLUMN);
            ((FloatVector) v1.convertShape(VectorOperators.S2F, F, 0)).intoArray(w, c + 2 * ExactGemm.COLUMN);
            ((FloatVector) v1.convertShape(VectorOperators.S2F, F, 1)).intoArray(w, c + 3 * ExactGemm.COLUMN);
        }
    }

    /** Q6_K's planes of one group and super-block, scales folded in, as {@link #decodeNibblesScaled}. */
    private void decodeBytesScaled(long at, float[] w, int o) {
        for (int j = 0; j < 16; j++) {
            // sub-block j: 8 planes of 2 columns
            FloatVector sc = (FloatVector) ByteVector.fromMemorySegment(PER_ROW, packed, at + scales + (long) j * G, LE)
                    .convertShape(VectorOperators.B2I, I, 0).convertShape(VectorOperators.I2F, F, 0);
            for (int p = 8 * j; p < 8 * j + 8; p++) {
                ShortVector v = ((ShortVector) ByteVector.fromMemorySegment(QUAD, packed, at + planes + p * 2L * G, LE)
                        .convertShape(VectorOperators.B2S, S, 0)).rearrange(SPLIT);
                int c = 2 * p * ExactGemm.COLUMN + o;
                ((FloatVector) v.convertShape(VectorOperators.S2F, F, 0)).mul(sc).intoArray(w, c);
                ((FloatVector) v.convertShape(VectorOperators.S2F, F, 1)).mul(sc).intoArray(w, c + ExactGemm.COLUMN);
            }
        }
    }

    /**
     * The most 32-column chunks (8, 4, 2 or 1) a window may span in a group's super-block: every row's sum of weight
     * magnitudes over every window ({@code mag[8 r + k]}: chunk {@code k} of row {@code r}) within
     * {@link ExactGemm#LIMIT}.
     */
    private static int windowChunks(int[] mag) {
        for (int width = 8; width > 1; width /= 2) {
            if (fits(mag, width)) {
                return width;
            }
        }
        return 1;
    }

    private static boolean fits(int[] mag, int width) {
        for (int r = 0; r < G; r++) {
            for (int k0 = 0; k0 < 8; k0 += width) {
                int sum = 0;
                for (int k = k0; k < k0 + width; k++) {
                    sum += mag[8 * r + k];
                }
                if (sum > ExactGemm.LIMIT) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Lanes {@code 0 .. 2G} of a widened plane, even lanes (row {@code r} at {@code 2 r}) first, then odd ones. */
    private static final VectorShuffle<Short> SPLIT = VectorShuffle.fromOp(S, i -> i < G ? 2 * i : 2 * (i - G) + 1);

    /** Copies the rows of {@code [rowFrom, rowTo)} among the group's {@code r0 ..} for {@code n} tokens. */
    private static void copyInRange(float[] lanes, int r0, int rowFrom, int rowTo, int n, float[] out, int off, int stride) {
        for (int i = 0; i < n; i++) {
            for (int r = Math.max(r0, rowFrom); r < Math.min(r0 + G, rowTo); r++) {
                out[off + i * stride + r] = lanes[i * G + r - r0];
            }
        }
    }

    /**
     * The {@link #G} F16 scales at {@code at} one by one (Q4_0, Q8_0: the rare block holding an infinite or NaN
     * scale, which the vector conversion leaves to this).
     */
    final FloatVector scalesOneByOne(long at) {
        float[] d = new float[G];
        for (int r = 0; r < G; r++) {
            d[r] = half(packed, at + 2L * r);
        }
        return FloatVector.fromArray(F, d, 0);
    }

    /** Row {@code row}'s dot product with {@code a}. */
    final float dot(int row, Q8KActivations a) {
        float[] lanes = new float[G];
        group(SCRATCH.get(), row / G, a, lanes, 0);
        return lanes[row % G];
    }

    static void putFloat(byte[] b, int at, float v) {
        int bits = Float.floatToRawIntBits(v);
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (bits >>> (8 * i));
        }
    }
}
