package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.B16;
import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.L;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * GGML Q5_K weights. A super-block holds 256 elements in 176 bytes: {@code d} and {@code dmin} as F16, 12
 * bytes of scales and minimums ({@link KScales}), 32 bytes {@code qh}, then 128 bytes {@code qs}. Group
 * {@code g} (64 elements) uses 32 bytes of {@code qs} as in Q4_K; element {@code l} of its first half adds
 * 16 when bit {@code 2g} of {@code qh[l]} is set, of its second half when bit {@code 2g + 1} is.
 */
public final class Q5_KTensor extends DecodingTensor {

    public Q5_KTensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        super(data, rows, cols, vectorized);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q5_K;
    }

    @Override
    public Q5_KTensor withVectorized(boolean vectorized) {
        return new Q5_KTensor(data, rows, cols, vectorized);
    }

    // Both decoders walk the eight sub-blocks of 32 (factors dm[2 s], dm[2 s + 1]): sub-block s is the low (s even)
    // or high nibbles of the 32 qs bytes at 48 + 32 (s / 2), plus bit s of qh (bytes 16..47) times 16.

    @Override
    protected void decodeScalar(long at, float[] out, int off) {
        float[] dm = new float[16];
        KScales.factors(data, at, dm);
        for (int s = 0; s < 8; s++) {
            for (int l = 0; l < 32; l++) {
                int q = (u8(at + 48 + 32 * (s >> 1) + l) >>> (4 * (s & 1))) & 0xF;
                out[off + 32 * s + l] = dm[2 * s] * (q + ((u8(at + 16 + l) >>> s) & 1) * 16) - dm[2 * s + 1];
            }
        }
    }

    @Override
    protected void decodeVector(long at, int count, float[] out, int off) {
        for (int b = 0; b < count; b++, at += 176, off += 256) {
            // the factors of KScales.factors, computed where used (no array per super-block)
            float d = half(at);
            float dmin = half(at + 2);
            long scales = KScales.scales(data, at + 4);
            long mins = KScales.mins(data, at + 4);
            // one store site in the loop keeps C2's graph small enough to inline the vector helpers
            for (int k = 0; k < 16; k++) {
                int s = k >> 1;
                int h = k & 1;
                ByteVector qh = ByteVector.fromMemorySegment(B16, data, at + 16 + 16 * h, LE);
                ByteVector q = ByteVector.fromMemorySegment(B16, data, at + 48 + 32 * (s >> 1) + 16 * h, LE);
                ByteVector v = q.lanewise(VectorOperators.LSHR, 4 * (s & 1)).and((byte) 0xF)
                        .or(qh.lanewise(VectorOperators.LSHR, s).and((byte) 1).lanewise(VectorOperators.LSHL, 4));
                storeMulSub(v, KScales.factor(d, scales, s), KScales.factor(dmin, mins, s), out,
                        off + 16 * k);
            }
        }
    }

    // Fused vector dot: decodes each 16-element chunk in registers (d1 * q - m1 rounded after the multiply and
    // after the subtraction, exactly like decodeScalar) and multiply-adds it at once, in element order: per group
    // g of 64, the low nibbles of qs bytes 0..15 and 16..31 (fifth bit: bit 2g of qh), then their high nibbles
    // (bit 2g + 1).

    @Override
    public float dotVector(int row, float[] x, int xOff) {
        long at = row * rowBytes;
        int blocks = cols / 256;
        FloatVector acc = FloatVector.zero(F);
        for (int blk = 0; blk < blocks; blk++, at += 176) {
            int xb = xOff + blk * 256;
            float d = half(at);
            float dmin = half(at + 2);
            long scales = KScales.scales(data, at + 4);
            long mins = KScales.mins(data, at + 4);
            ByteVector h0 = ByteVector.fromMemorySegment(B16, data, at + 16, LE);
            ByteVector h1 = ByteVector.fromMemorySegment(B16, data, at + 32, LE);
            for (int g = 0; g < 4; g++) {
                FloatVector d1 = FloatVector.broadcast(F, d * (int) ((scales >>> (16 * g)) & 0xFF));
                FloatVector m1 = FloatVector.broadcast(F, dmin * (int) ((mins >>> (16 * g)) & 0xFF));
                FloatVector d2 = FloatVector.broadcast(F, d * (int) ((scales >>> (16 * g + 8)) & 0xFF));
                FloatVector m2 = FloatVector.broadcast(F, dmin * (int) ((mins >>> (16 * g + 8)) & 0xFF));
                ByteVector q0 = ByteVector.fromMemorySegment(B16, data, at + 48 + 32 * g, LE);
                ByteVector q1 = ByteVector.fromMemorySegment(B16, data, at + 64 + 32 * g, LE);
                int xg = xb + 64 * g;
                // one call site per helper: C2 inlines each call site on its own, and four copies of the body
                // pushed it past its node budget (a helper left out of line boxes its vectors at every call)
                for (int k = 0; k < 4; k++) {
                    ByteVector q = (k & 1) == 0 ? q0 : q1;
                    ByteVector h = (k & 1) == 0 ? h0 : h1;
                    FloatVector dv = k < 2 ? d1 : d2;
                    FloatVector mv = k < 2 ? m1 : m2;
                    for (int p = 0; p < Simd.PARTS_PER_16; p++) {
                        acc = fifth(q, h, p, 4 * (k >> 1), 2 * g + (k >> 1)).mul(dv).sub(mv)
                                .fma(FloatVector.fromArray(F, x, xg + 16 * k + p * L), acc);
                    }
                }
            }
        }
        acc = acc.add(acc.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD2));
        return acc.add(acc.rearrange(Simd.FOLD1)).lane(0);
    }

    /** The 5-bit values: nibble {@code (q >>> shift) & 15} plus 16 times bit {@code bit} of {@code h}, as floats. */
    private static FloatVector fifth(ByteVector q, ByteVector h, int p, int shift, int bit) {
        IntVector v = Simd.field(q, p, shift, 0xF).or(Simd.field(h, p, bit, 1).lanewise(VectorOperators.LSHL, 4));
        return (FloatVector) v.convertShape(VectorOperators.I2F, F, 0);
    }
}
