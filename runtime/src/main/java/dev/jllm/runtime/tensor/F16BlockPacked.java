package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.I;
import static dev.jllm.runtime.tensor.Simd.S_HALF;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The packed types with an F16 scale per block of 32 and unsigned nibble weights with an offset (Q4_0: {@code q}
 * stored as is, offset 8; Q8_0: {@code q + 128} in two nibble planes, offset 128). Per super-block,
 * {@code d[8][G]} as the file's F16 bits come first ({@code 16 G} bytes), then the planes.
 *
 * <p>Per row and block: {@code isum = sum_c u_c a_c - offset * sums_j} (exactly {@code sum_c q_c a_c}), and the
 * result adds {@code (d * a.d) * (float) isum}, each operation rounded, blocks in order: the types' scalar oracles.
 * The activations come in the Q8_0 form ({@link Q8KActivations#quantize32}: a scale {@code a.d} per block of 32, as
 * llama.cpp multiplies these types).
 *
 * <p>The scales stay F16, converted per block here, because of how this CPU's prefetchers follow the planes: the
 * kernel reads a super-block's planes and then goes back for its scales, and with the scales as floats (512 bytes
 * per super-block for Q4_0) that skip broke the stream: a stand-alone pass over the planes read 6-10 GB/s from
 * memory on one core with a 448- or 512-byte gap between each super-block's 2048 plane bytes, 25-30 GB/s with a gap
 * of 64-384 bytes (Q4_K's is 384); bench/README.md.
 */
abstract sealed class F16BlockPacked extends PackedRows permits Q4_0Packed, Q8_0Packed {

    /** Bytes of the F16 scales at the start of each super-block. */
    static final int SCALES = 16 * G;

    /** What the stored weights exceed the signed ones by: 8 (Q4_0) or 128 (Q8_0). */
    private final int offset;

    F16BlockPacked(WeightTensor t, int superBytes, boolean halves, int offset, RowPacker packer) {
        super(t, superBytes, SCALES, true, halves, -1, -1, packer);
        this.offset = offset;
    }

    // combine (one token): all written out, no helper taking or returning vectors: one that C2 leaves out of line
    // boxes them per call. The G scales of a block come from F16 exactly as Float.float16ToFloat (Simd.halfToFloat's
    // steps): the 15 magnitude bits placed at the top of a float's and scaled by 2^(127-15), the sign put back; a
    // super-block holding an infinite or NaN scale (only a damaged file) is combined again by a method of its own,
    // scales one by one. The two methods repeat the float steps on purpose: one loop serving both was the hazard.

    /**
     * Adds super-block {@code b}'s share (its bytes at {@code at}) of a group to token {@code x}'s results
     * ({@code out[o ..]}), from its block sums {@code sums[(u * 16 + s) * G + r]}: per block, the scales converted,
     * the offset taken off with the activation sums, and the float steps in block order.
     */
    private void combine(long at, int b, int[] sums, int u, Q8KActivations x, float[] out, int o) {
        FloatVector acc = FloatVector.fromArray(F, out, o);
        // the largest scale magnitude of the super-block, tested once after the loop: a call in the loop whose vector
        // result merged with the converted scales (the rare path) was itself a hazard (C2 did not inline it, and some
        // processes compiled this method without its vector intrinsics: 194 MB allocated per token at depth 1024)
        IntVector largest = IntVector.zero(I);
        for (int j = 0; j < 8; j++) {
            IntVector bits = (IntVector) ShortVector.fromMemorySegment(S_HALF, packed, at + 2L * j * G, LE)
                    .castShape(I, 0);
            IntVector magnitude = bits.lanewise(VectorOperators.LSHL, 13).and(0x0FFFE000);
            largest = largest.max(magnitude);
            FloatVector d = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                    .or(bits.and(0x80000000)).reinterpretAsFloats();
            IntVector sum = IntVector.fromArray(I, sums, (u * 16 + j) * G);
            if (halves) {
                // the high nibbles' sums (slots 8..15) count 16 times
                sum = IntVector.fromArray(I, sums, (u * 16 + 8 + j) * G).lanewise(VectorOperators.LSHL, 4).add(sum);
            }
            IntVector isum = sum.sub(offset * x.sums[b * 8 + j]);
            acc = acc.add(d.mul(x.d32[b * 8 + j]).mul((FloatVector) isum.convertShape(VectorOperators.I2F, F, 0)));
        }
        if (largest.compare(VectorOperators.GE, 0x7C00 << 13).anyTrue()) {
            combineWithSpecials(at, b, sums, u, x, out, o);
            return;
        }
        acc.intoArray(out, o);
    }

    /**
     * Four tokens, {@link #combine} fused into the 16-bit kernel: per block, the four tokens' sums are folded in
     * registers and added to four float accumulators that live through the whole row, the block's scales converted
     * once for the four (stored sums combined per token convert them again per token and reload and store each
     * token's results per super-block: 16% of the samples of four tl-Q4_0 sequences decoding). The same integers and
     * float steps in the same order as {@link #combine}, so the same bits as four calls of {@link #group}. Q4_0 one
     * nibble plane set ({@code group4Nibbles}), Q8_0 two ({@code group4Bytes}: the high nibbles' sums count 16 times).
     * A row holding an infinite or NaN scale (only a damaged file) is computed again by {@link #group4Separately}.
     */
    @Override
    final void group4(Scratch scratch, int g, Q8KActivations[] a, int t, float[] out, int off, int stride) {
        boolean finite = halves ? group4Bytes(g, a, t, out, off, stride) : group4Nibbles(g, a, t, out, off, stride);
        if (!finite) {
            group4Separately(scratch, g, a, t, out, off, stride);
        }
    }

    private boolean group4Nibbles(int g, Q8KActivations[] a, int t, float[] out, int off, int stride) {
        Q8KActivations x0 = a[t], x1 = a[t + 1], x2 = a[t + 2], x3 = a[t + 3];
        int[] p0 = x0.pairs, p1 = x1.pairs, p2 = x2.pairs, p3 = x3.pairs;
        FloatVector o0 = FloatVector.zero(F), o1 = o0, o2 = o0, o3 = o0;
        IntVector largest = IntVector.zero(I);
        for (int b = 0; b < blocks; b++) {
            long at = at(g, b);
            for (int j = 0; j < 8; j++) {
                ShortVector acc0 = ShortVector.zero(S), acc1 = acc0, acc2 = acc0, acc3 = acc0;
                long q = at + SCALES + j * 16L * G;
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
                // the block's scales as combine converts them, once for the four tokens
                IntVector bits = (IntVector) ShortVector.fromMemorySegment(S_HALF, packed, at + 2L * j * G, LE)
                        .castShape(I, 0);
                IntVector magnitude = bits.lanewise(VectorOperators.LSHL, 13).and(0x0FFFE000);
                largest = largest.max(magnitude);
                FloatVector d = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                        .or(bits.and(0x80000000)).reinterpretAsFloats();
                // per token: a row's two lanes summed (nibbleSubSums4's fold), then combine's steps
                int s = b * 8 + j;
                IntVector i0 = acc0.reinterpretAsInts();
                i0 = i0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(i0.lanewise(VectorOperators.ASHR, 16)).sub(offset * x0.sums[s]);
                o0 = o0.add(d.mul(x0.d32[s]).mul((FloatVector) i0.convertShape(VectorOperators.I2F, F, 0)));
                IntVector i1 = acc1.reinterpretAsInts();
                i1 = i1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(i1.lanewise(VectorOperators.ASHR, 16)).sub(offset * x1.sums[s]);
                o1 = o1.add(d.mul(x1.d32[s]).mul((FloatVector) i1.convertShape(VectorOperators.I2F, F, 0)));
                IntVector i2 = acc2.reinterpretAsInts();
                i2 = i2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(i2.lanewise(VectorOperators.ASHR, 16)).sub(offset * x2.sums[s]);
                o2 = o2.add(d.mul(x2.d32[s]).mul((FloatVector) i2.convertShape(VectorOperators.I2F, F, 0)));
                IntVector i3 = acc3.reinterpretAsInts();
                i3 = i3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(i3.lanewise(VectorOperators.ASHR, 16)).sub(offset * x3.sums[s]);
                o3 = o3.add(d.mul(x3.d32[s]).mul((FloatVector) i3.convertShape(VectorOperators.I2F, F, 0)));
            }
        }
        if (largest.compare(VectorOperators.GE, 0x7C00 << 13).anyTrue()) {
            return false;
        }
        o0.intoArray(out, off);
        o1.intoArray(out, off + stride);
        o2.intoArray(out, off + 2 * stride);
        o3.intoArray(out, off + 3 * stride);
        return true;
    }

    /**
     * Q4_0, two groups: {@link #group4Nibbles} for groups {@code g} and {@code g + 1} in one pass, each token's
     * activation pairs broadcast once for both (a broadcast per multiply-add pair was what bounded the one-group
     * kernel with its planes in cache: 5632 x 2048, four tokens, one thread, 0.45-0.47 ms against 0.54-0.55). The
     * same integers and float steps per group, so the same bits. Q8_0's two plane sets (16 accumulators per group)
     * leave no registers for a second group: it keeps two {@link #group4} calls.
     */
    @Override
    final void group4Pair(Scratch scratch, int g, Q8KActivations[] a, int t, float[] out, int off, int stride) {
        if (halves) {
            super.group4Pair(scratch, g, a, t, out, off, stride);
        } else if (!group4NibblesPair(g, a, t, out, off, stride)) {
            group4Separately(scratch, g, a, t, out, off, stride);
            group4Separately(scratch, g + 1, a, t, out, off + G, stride);
        }
    }

    private boolean group4NibblesPair(int g, Q8KActivations[] a, int t, float[] out, int off, int stride) {
        Q8KActivations x0 = a[t], x1 = a[t + 1], x2 = a[t + 2], x3 = a[t + 3];
        int[] p0 = x0.pairs, p1 = x1.pairs, p2 = x2.pairs, p3 = x3.pairs;
        // o0..o3: the four tokens' results of group g, o4..o7 of group g + 1
        FloatVector o0 = FloatVector.zero(F), o1 = o0, o2 = o0, o3 = o0, o4 = o0, o5 = o0, o6 = o0, o7 = o0;
        IntVector largest = IntVector.zero(I);
        for (int b = 0; b < blocks; b++) {
            long at = at(g, b);
            long bt = at(g + 1, b);
            for (int j = 0; j < 8; j++) {
                ShortVector acc0 = ShortVector.zero(S), acc1 = acc0, acc2 = acc0, acc3 = acc0;
                ShortVector bcc0 = acc0, bcc1 = acc0, bcc2 = acc0, bcc3 = acc0; // group g + 1
                long q0 = at + SCALES + j * 16L * G;
                long q1 = bt + SCALES + j * 16L * G;
                int p = (b * 256 + j * 32) / 2;
                for (int k = 0; k < 8; k++) {
                    ShortVector w = (ShortVector) ByteVector.fromMemorySegment(QUAD, packed, q0 + k * 2L * G, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector v = (ShortVector) ByteVector.fromMemorySegment(QUAD, packed, q1 + k * 2L * G, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector lo = w.and((short) 0xF);
                    ShortVector hi = w.lanewise(VectorOperators.LSHR, 4);
                    ShortVector vlo = v.and((short) 0xF);
                    ShortVector vhi = v.lanewise(VectorOperators.LSHR, 4);
                    int e = p + 2 * k;
                    ShortVector c = IntVector.broadcast(I, p0[e]).reinterpretAsShorts();
                    ShortVector c2 = IntVector.broadcast(I, p0[e + 1]).reinterpretAsShorts();
                    acc0 = acc0.add(lo.mul(c)).add(hi.mul(c2));
                    bcc0 = bcc0.add(vlo.mul(c)).add(vhi.mul(c2));
                    c = IntVector.broadcast(I, p1[e]).reinterpretAsShorts();
                    c2 = IntVector.broadcast(I, p1[e + 1]).reinterpretAsShorts();
                    acc1 = acc1.add(lo.mul(c)).add(hi.mul(c2));
                    bcc1 = bcc1.add(vlo.mul(c)).add(vhi.mul(c2));
                    c = IntVector.broadcast(I, p2[e]).reinterpretAsShorts();
                    c2 = IntVector.broadcast(I, p2[e + 1]).reinterpretAsShorts();
                    acc2 = acc2.add(lo.mul(c)).add(hi.mul(c2));
                    bcc2 = bcc2.add(vlo.mul(c)).add(vhi.mul(c2));
                    c = IntVector.broadcast(I, p3[e]).reinterpretAsShorts();
                    c2 = IntVector.broadcast(I, p3[e + 1]).reinterpretAsShorts();
                    acc3 = acc3.add(lo.mul(c)).add(hi.mul(c2));
                    bcc3 = bcc3.add(vlo.mul(c)).add(vhi.mul(c2));
                }
                int s = b * 8 + j;
                IntVector bits = (IntVector) ShortVector.fromMemorySegment(S_HALF, packed, at + 2L * j * G, LE)
                        .castShape(I, 0);
                IntVector magnitude = bits.lanewise(VectorOperators.LSHL, 13).and(0x0FFFE000);
                largest = largest.max(magnitude);
                FloatVector d = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                        .or(bits.and(0x80000000)).reinterpretAsFloats();
                IntVector i0 = acc0.reinterpretAsInts();
                i0 = i0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(i0.lanewise(VectorOperators.ASHR, 16)).sub(offset * x0.sums[s]);
                o0 = o0.add(d.mul(x0.d32[s]).mul((FloatVector) i0.convertShape(VectorOperators.I2F, F, 0)));
                IntVector i1 = acc1.reinterpretAsInts();
                i1 = i1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(i1.lanewise(VectorOperators.ASHR, 16)).sub(offset * x1.sums[s]);
                o1 = o1.add(d.mul(x1.d32[s]).mul((FloatVector) i1.convertShape(VectorOperators.I2F, F, 0)));
                IntVector i2 = acc2.reinterpretAsInts();
                i2 = i2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(i2.lanewise(VectorOperators.ASHR, 16)).sub(offset * x2.sums[s]);
                o2 = o2.add(d.mul(x2.d32[s]).mul((FloatVector) i2.convertShape(VectorOperators.I2F, F, 0)));
                IntVector i3 = acc3.reinterpretAsInts();
                i3 = i3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(i3.lanewise(VectorOperators.ASHR, 16)).sub(offset * x3.sums[s]);
                o3 = o3.add(d.mul(x3.d32[s]).mul((FloatVector) i3.convertShape(VectorOperators.I2F, F, 0)));
                bits = (IntVector) ShortVector.fromMemorySegment(S_HALF, packed, bt + 2L * j * G, LE)
                        .castShape(I, 0);
                magnitude = bits.lanewise(VectorOperators.LSHL, 13).and(0x0FFFE000);
                largest = largest.max(magnitude);
                d = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                        .or(bits.and(0x80000000)).reinterpretAsFloats();
                i0 = bcc0.reinterpretAsInts();
                i0 = i0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(i0.lanewise(VectorOperators.ASHR, 16)).sub(offset * x0.sums[s]);
                o4 = o4.add(d.mul(x0.d32[s]).mul((FloatVector) i0.convertShape(VectorOperators.I2F, F, 0)));
                i1 = bcc1.reinterpretAsInts();
                i1 = i1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(i1.lanewise(VectorOperators.ASHR, 16)).sub(offset * x1.sums[s]);
                o5 = o5.add(d.mul(x1.d32[s]).mul((FloatVector) i1.convertShape(VectorOperators.I2F, F, 0)));
                i2 = bcc2.reinterpretAsInts();
                i2 = i2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(i2.lanewise(VectorOperators.ASHR, 16)).sub(offset * x2.sums[s]);
                o6 = o6.add(d.mul(x2.d32[s]).mul((FloatVector) i2.convertShape(VectorOperators.I2F, F, 0)));
                i3 = bcc3.reinterpretAsInts();
                i3 = i3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(i3.lanewise(VectorOperators.ASHR, 16)).sub(offset * x3.sums[s]);
                o7 = o7.add(d.mul(x3.d32[s]).mul((FloatVector) i3.convertShape(VectorOperators.I2F, F, 0)));
            }
        }
        if (largest.compare(VectorOperators.GE, 0x7C00 << 13).anyTrue()) {
            return false;
        }
        o0.intoArray(out, off);
        o1.intoArray(out, off + stride);
        o2.intoArray(out, off + 2 * stride);
        o3.intoArray(out, off + 3 * stride);
        o4.intoArray(out, off + G);
        o5.intoArray(out, off + G + stride);
        o6.intoArray(out, off + G + 2 * stride);
        o7.intoArray(out, off + G + 3 * stride);
        return true;
    }

    private boolean group4Bytes(int g, Q8KActivations[] a, int t, float[] out, int off, int stride) {
        Q8KActivations x0 = a[t], x1 = a[t + 1], x2 = a[t + 2], x3 = a[t + 3];
        int[] p0 = x0.pairs, p1 = x1.pairs, p2 = x2.pairs, p3 = x3.pairs;
        FloatVector o0 = FloatVector.zero(F), o1 = o0, o2 = o0, o3 = o0;
        IntVector largest = IntVector.zero(I);
        for (int b = 0; b < blocks; b++) {
            long at = at(g, b);
            for (int j = 0; j < 8; j++) {
                ShortVector l0 = ShortVector.zero(S), l1 = l0, l2 = l0, l3 = l0, h0 = l0, h1 = l0, h2 = l0, h3 = l0;
                long q = at + SCALES + j * 16L * G;
                int p = (b * 256 + j * 32) / 2;
                for (int k = 0; k < 8; k++) {
                    ShortVector w = (ShortVector) ByteVector.fromMemorySegment(QUAD, packed, q + k * 2L * G, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector v = (ShortVector) ByteVector
                            .fromMemorySegment(QUAD, packed, q + 128L * G + k * 2L * G, LE)
                            .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                    ShortVector wl = w.and((short) 0xF), wh = w.lanewise(VectorOperators.LSHR, 4);
                    ShortVector vl = v.and((short) 0xF), vh = v.lanewise(VectorOperators.LSHR, 4);
                    int e = p + 2 * k;
                    ShortVector c = IntVector.broadcast(I, p0[e]).reinterpretAsShorts();
                    ShortVector c2 = IntVector.broadcast(I, p0[e + 1]).reinterpretAsShorts();
                    l0 = l0.add(wl.mul(c)).add(wh.mul(c2));
                    h0 = h0.add(vl.mul(c)).add(vh.mul(c2));
                    c = IntVector.broadcast(I, p1[e]).reinterpretAsShorts();
                    c2 = IntVector.broadcast(I, p1[e + 1]).reinterpretAsShorts();
                    l1 = l1.add(wl.mul(c)).add(wh.mul(c2));
                    h1 = h1.add(vl.mul(c)).add(vh.mul(c2));
                    c = IntVector.broadcast(I, p2[e]).reinterpretAsShorts();
                    c2 = IntVector.broadcast(I, p2[e + 1]).reinterpretAsShorts();
                    l2 = l2.add(wl.mul(c)).add(wh.mul(c2));
                    h2 = h2.add(vl.mul(c)).add(vh.mul(c2));
                    c = IntVector.broadcast(I, p3[e]).reinterpretAsShorts();
                    c2 = IntVector.broadcast(I, p3[e + 1]).reinterpretAsShorts();
                    l3 = l3.add(wl.mul(c)).add(wh.mul(c2));
                    h3 = h3.add(vl.mul(c)).add(vh.mul(c2));
                }
                IntVector bits = (IntVector) ShortVector.fromMemorySegment(S_HALF, packed, at + 2L * j * G, LE)
                        .castShape(I, 0);
                IntVector magnitude = bits.lanewise(VectorOperators.LSHL, 13).and(0x0FFFE000);
                largest = largest.max(magnitude);
                FloatVector d = magnitude.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                        .or(bits.and(0x80000000)).reinterpretAsFloats();
                // per token: each plane set's fold, the high nibbles' sums times 16 plus the low ones', less the
                // offset (combine's steps)
                int s = b * 8 + j;
                IntVector i0 = l0.reinterpretAsInts(), k0 = h0.reinterpretAsInts();
                i0 = k0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(k0.lanewise(VectorOperators.ASHR, 16)).lanewise(VectorOperators.LSHL, 4)
                        .add(i0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                                .add(i0.lanewise(VectorOperators.ASHR, 16)))
                        .sub(offset * x0.sums[s]);
                o0 = o0.add(d.mul(x0.d32[s]).mul((FloatVector) i0.convertShape(VectorOperators.I2F, F, 0)));
                IntVector i1 = l1.reinterpretAsInts(), k1 = h1.reinterpretAsInts();
                i1 = k1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(k1.lanewise(VectorOperators.ASHR, 16)).lanewise(VectorOperators.LSHL, 4)
                        .add(i1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                                .add(i1.lanewise(VectorOperators.ASHR, 16)))
                        .sub(offset * x1.sums[s]);
                o1 = o1.add(d.mul(x1.d32[s]).mul((FloatVector) i1.convertShape(VectorOperators.I2F, F, 0)));
                IntVector i2 = l2.reinterpretAsInts(), k2 = h2.reinterpretAsInts();
                i2 = k2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(k2.lanewise(VectorOperators.ASHR, 16)).lanewise(VectorOperators.LSHL, 4)
                        .add(i2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                                .add(i2.lanewise(VectorOperators.ASHR, 16)))
                        .sub(offset * x2.sums[s]);
                o2 = o2.add(d.mul(x2.d32[s]).mul((FloatVector) i2.convertShape(VectorOperators.I2F, F, 0)));
                IntVector i3 = l3.reinterpretAsInts(), k3 = h3.reinterpretAsInts();
                i3 = k3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                        .add(k3.lanewise(VectorOperators.ASHR, 16)).lanewise(VectorOperators.LSHL, 4)
                        .add(i3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                                .add(i3.lanewise(VectorOperators.ASHR, 16)))
                        .sub(offset * x3.sums[s]);
                o3 = o3.add(d.mul(x3.d32[s]).mul((FloatVector) i3.convertShape(VectorOperators.I2F, F, 0)));
            }
        }
        if (largest.compare(VectorOperators.GE, 0x7C00 << 13).anyTrue()) {
            return false;
        }
        o0.intoArray(out, off);
        o1.intoArray(out, off + stride);
        o2.intoArray(out, off + 2 * stride);
        o3.intoArray(out, off + 3 * stride);
        return true;
    }

    /**
     * One token: the 16-bit kernel's block sums stored, then {@link #combine}. Kept apart: fused like Q4_K's, this
     * measured 3-15% slower for Q4_0 and twice as slow for Q8_0 (tl-Q4_0/tl-Q8_0 tg32, one thread, alternating).
     */
    @Override
    final void group(Scratch scratch, int g, Q8KActivations a, float[] out, int off) {
        int[] sums = scratch.sums;
        java.util.Arrays.fill(out, off, off + G, 0f);
        for (int b = 0; b < blocks; b++) {
            long at = at(g, b);
            nibbleSubSums(at + SCALES, b, a.pairs, sums, 0);
            if (halves) {
                nibbleSubSums(at + SCALES + 128L * G, b, a.pairs, sums, 8);
            }
            combine(at, b, sums, 0, a, out, off);
        }
    }

    /**
     * {@link #group4} as sums stored and combined per token: where a row with an infinite or NaN scale (only a
     * damaged file) goes, {@link #combine} handling it.
     */
    private void group4Separately(Scratch scratch, int g, Q8KActivations[] a, int t, float[] out, int off, int stride) {
        int[] sums = scratch.sums4;
        for (int u = 0; u < 4; u++) {
            java.util.Arrays.fill(out, off + u * stride, off + u * stride + G, 0f);
        }
        for (int b = 0; b < blocks; b++) {
            long at = at(g, b);
            nibbleSubSums4(at + SCALES, b, a[t].pairs, a[t + 1].pairs, a[t + 2].pairs, a[t + 3].pairs, sums, 0);
            if (halves) {
                nibbleSubSums4(at + SCALES + 128L * G, b, a[t].pairs, a[t + 1].pairs, a[t + 2].pairs,
                        a[t + 3].pairs, sums, 8);
            }
            for (int u = 0; u < 4; u++) {
                combine(at, b, sums, u, a[t + u], out, off + u * stride);
            }
        }
    }

    /**
     * {@link #nibbleSubSums} for four tokens, token {@code u}'s sums to {@code sums[(u * 16 + slot0 + s) * G + r]}.
     */
    private void nibbleSubSums4(long qs, int b, int[] p0, int[] p1, int[] p2, int[] p3, int[] sums, int slot0) {
        for (int j = 0; j < 8; j++) {
            ShortVector acc0 = ShortVector.zero(S), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            long q = qs + j * 16L * G;
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
            // each row's two lanes summed in registers, written out per token (a helper taking the accumulators
            // would box them)
            int s = slot0 + j;
            IntVector b0 = acc0.reinterpretAsInts(), b1 = acc1.reinterpretAsInts();
            IntVector b2 = acc2.reinterpretAsInts(), b3 = acc3.reinterpretAsInts();
            b0.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(b0.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, s * G);
            b1.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(b1.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, (16 + s) * G);
            b2.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(b2.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, (32 + s) * G);
            b3.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(b3.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, (48 + s) * G);
        }
    }

    /**
     * The sub-block sums {@code sum_c q_c a_c} of the nibble planes at {@code qs} (super-block {@code b}) times one
     * token's pairs, to {@code sums[(slot0 + s) * G + r]}: per 32 columns, 16 products per 16-bit lane (at most
     * 15 * 127 each: no overflow), folded to one int per row.
     */
    private void nibbleSubSums(long qs, int b, int[] pairs, int[] sums, int slot0) {
        for (int j = 0; j < 8; j++) {
            ShortVector acc16 = ShortVector.zero(S);
            long q = qs + j * 16L * G;
            int p = (b * 256 + j * 32) / 2;
            for (int k = 0; k < 8; k++) {
                ShortVector w = (ShortVector) ByteVector.fromMemorySegment(QUAD, packed, q + k * 2L * G, LE)
                        .convertShape(VectorOperators.ZERO_EXTEND_B2S, S, 0);
                acc16 = acc16
                        .add(w.and((short) 0xF).mul(IntVector.broadcast(I, pairs[p + 2 * k]).reinterpretAsShorts()))
                        .add(w.lanewise(VectorOperators.LSHR, 4)
                                .mul(IntVector.broadcast(I, pairs[p + 2 * k + 1]).reinterpretAsShorts()));
            }
            // lanes 2 r and 2 r + 1 (row r's even and odd columns) summed into one int
            IntVector both = acc16.reinterpretAsInts();
            both.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    .add(both.lanewise(VectorOperators.ASHR, 16)).intoArray(sums, (slot0 + j) * G);
        }
    }

    /**
     * {@link #combine} for a super-block holding an infinite or NaN scale (only a damaged file): the same steps, every
     * block's scales converted one by one ({@code out} is still as {@link #combine} found it).
     */
    private void combineWithSpecials(long at, int b, int[] sums, int u, Q8KActivations x, float[] out, int o) {
        FloatVector acc = FloatVector.fromArray(F, out, o);
        for (int j = 0; j < 8; j++) {
            FloatVector d = scalesOneByOne(at + 2L * j * G);
            IntVector sum = IntVector.fromArray(I, sums, (u * 16 + j) * G);
            if (halves) {
                sum = IntVector.fromArray(I, sums, (u * 16 + 8 + j) * G).lanewise(VectorOperators.LSHL, 4).add(sum);
            }
            IntVector isum = sum.sub(offset * x.sums[b * 8 + j]);
            acc = acc.add(d.mul(x.d32[b * 8 + j]).mul((FloatVector) isum.convertShape(VectorOperators.I2F, F, 0)));
        }
        acc.intoArray(out, o);
    }

    /**
     * The scales as {@link #combine} converts them (exactly {@link Float#float16ToFloat}), for the several-token blocks
     * ({@link NarrowGemm#blockQ4_0}, {@link ExactGemm#blockQ8_0}). Scalar code on purpose: this method is inlined into
     * {@code PackedRows.matmulScaled}, whose size made C2 leave the vector conversion's reinterpretation out of line in
     * most processes, allocating a vector object per step (1.4 MB per prompt token; JFR's allocation samples all
     * here) and taking a prompt's speed down by up to a third. Once per super-block and four groups of rows, its cost
     * is spread over every token of the prompt.
     */
    @Override
    final void blockScales(int g0, int ng, int b, float[] out) {
        for (int j = 0; j < 8; j++) {
            for (int g = 0; g < 4; g++) {
                int o = (4 * j + g) * G;
                if (g >= ng) {
                    java.util.Arrays.fill(out, o, o + G, 0f);
                    continue;
                }
                long at = at(g0 + g, b) + 2L * j * G;
                for (int r = 0; r < G; r++) {
                    out[o + r] = half(packed, at + 2L * r);
                }
            }
        }
    }

    @Override
    final int storedOffset() {
        return offset;
    }
}
