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
 * GGML IQ4_XS weights. A super-block holds 256 elements in 136 bytes: the scale {@code d} as F16, the high scale
 * bits {@code scales_h} (a little-endian 16-bit word), 4 bytes {@code scales_l}, then 128 bytes {@code qs}.
 * Sub-block {@code ib} (elements {@code 32 ib .. 32 ib + 31}) has the 6-bit scale
 * {@code ls = ((scales_l[ib / 2] >> 4 (ib % 2)) & 0xF) | ((scales_h >> 2 ib) & 3) << 4} and uses the 16 bytes
 * {@code qs[16 ib ..]}: element {@code j < 16} of the sub-block is {@code dl * T[qs[16 ib + j] & 0xF]}, element
 * {@code j >= 16} takes the high nibble of {@code qs[16 ib + j - 16]}, with {@code dl = d * (ls - 32)} (rounded to
 * float first) and {@code T} the non-linear table of {@link Iq4Values}.
 */
public final class IQ4_XSTensor extends DecodingTensor {

    public IQ4_XSTensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        super(data, rows, cols, vectorized);
    }

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_XS;
    }

    @Override
    public IQ4_XSTensor withVectorized(boolean vectorized) {
        return new IQ4_XSTensor(data, rows, cols, vectorized);
    }

    @Override
    protected void decodeScalar(long at, float[] out, int off) {
        float d = half(at);
        int scalesH = u8(at + 2) | u8(at + 3) << 8;
        for (int ib = 0; ib < 8; ib++) {
            int low = (u8(at + 4 + ib / 2) >>> (4 * (ib % 2))) & 0xF;
            int high = (scalesH >>> (2 * ib)) & 3;
            int ls = low | high << 4;
            float dl = d * (ls - 32);
            for (int j = 0; j < 16; j++) {
                int packed = u8(at + 8 + 16 * ib + j);
                out[off + 32 * ib + j] = dl * Iq4Values.VALUES[packed & 0xF];
                out[off + 32 * ib + 16 + j] = dl * Iq4Values.VALUES[packed >>> 4];
            }
        }
    }

    /**
     * {@code d * (ls - 32)} of sub-block {@code ib}: {@code scalesL} is {@code scales_l} read as a little-endian
     * int, so sub-block {@code ib}'s low 4 bits are its bits {@code 4 ib .. 4 ib + 3}.
     */
    private static float subScale(float d, int scalesH, int scalesL, int ib) {
        int ls = ((scalesL >>> (4 * ib)) & 0xF) | ((scalesH >>> (2 * ib)) & 3) << 4;
        return d * (ls - 32);
    }

    @Override
    protected void decodeVector(long at, int count, float[] out, int off) {
        for (int b = 0; b < count; b++, at += 136, off += 256) {
            float d = half(at);
            int scalesH = data.get(SHORT_LE, at + 2) & 0xFFFF;
            int scalesL = data.get(INT_LE, at + 4);
            for (int k = 0; k < 16; k++) { // sub-block k / 2, low nibbles then high: one store site
                int ib = k >> 1;
                float dl = subScale(d, scalesH, scalesL, ib);
                ByteVector packed = ByteVector.fromMemorySegment(B16, data, at + 8 + 16 * ib, LE);
                storeMul(Iq4Values.lookup(packed, k & 1), dl, out, off + 16 * k);
            }
        }
    }

    // Fused vector dot with 16 lanes, as IQ4_NLTensor's: per sub-block the 16 values dl * T[i] are one register
    // and each 16-element chunk (low nibbles, then high) is a vpermd lookup fused in element order. Narrower
    // species decode through the buffer of DecodingTensor.

    @Override
    public float dotVector(int row, float[] x, int xOff) {
        if (L != 16) {
            return super.dotVector(row, x, xOff);
        }
        long at = row * rowBytes;
        int blocks = cols / 256;
        FloatVector acc = FloatVector.zero(F);
        for (int blk = 0; blk < blocks; blk++, at += 136) {
            float d = half(at);
            int scalesH = data.get(SHORT_LE, at + 2) & 0xFFFF;
            int scalesL = data.get(INT_LE, at + 4);
            for (int ib = 0; ib < 8; ib++) {
                int xb = xOff + 256 * blk + 32 * ib;
                IntVector t = Iq4Values.FLOATS.mul(subScale(d, scalesH, scalesL, ib)).reinterpretAsInts();
                ByteVector q = ByteVector.fromMemorySegment(B16, data, at + 8 + 16 * ib, LE);
                IntVector v = (IntVector) q.convertShape(VectorOperators.ZERO_EXTEND_B2I, Simd.I, 0);
                acc = v.and(0xF).selectFrom(t).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, xb), acc);
                acc = v.lanewise(VectorOperators.LSHR, 4).selectFrom(t).reinterpretAsFloats()
                        .fma(FloatVector.fromArray(F, x, xb + 16), acc);
            }
        }
        acc = acc.add(acc.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD2));
        return acc.add(acc.rearrange(Simd.FOLD1)).lane(0);
    }

    /**
     * IQ4_XS: the eight sub-block scales from {@link Iq4Values#scale}, stored as 6-bit multiples {@code ls - 32} of the
     * super-block's {@code d} (the largest one at exactly -32), then the nearest table entries for each sub-block
     * scale {@code d * (ls - 32)} as the decoder computes it.
     */
    static void encode(float[] x, int s, byte[] out, int at) {
        float[] scales = new float[8];
        float maxScale = 0;
        for (int ib = 0; ib < 8; ib++) {
            scales[ib] = Iq4Values.scale(x, s + 32 * ib, 32);
            if (Math.abs(scales[ib]) > Math.abs(maxScale)) {
                maxScale = scales[ib];
            }
        }
        float d = Float.float16ToFloat(Float.floatToFloat16(maxScale / -32f));
        Quantizer.putShort(out, at, Float.floatToFloat16(d));
        int scalesH = 0;
        for (int i = 0; i < 4; i++) {
            out[at + 4 + i] = 0;
        }
        for (int ib = 0; ib < 8; ib++) {
            int l = d != 0 ? Math.max(-32, Math.min(31, Math.round(scales[ib] / d))) : 0;
            int ls = l + 32;
            out[at + 4 + ib / 2] |= (byte) ((ls & 0xF) << (4 * (ib % 2)));
            scalesH |= (ls >>> 4) << (2 * ib);
            Iq4Values.pack(x, s + 32 * ib, d * (ls - 32), out, at + 8 + 16 * ib);
        }
        Quantizer.putShort(out, at + 2, (short) scalesH);
    }
}
