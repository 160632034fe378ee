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
 * GGML Q3_K weights. A super-block holds 256 elements in 110 bytes: 32 bytes {@code hmask} (high bits), 64
 * bytes {@code qs} (low 2 bits), 12 bytes of sixteen 6-bit scales, then {@code d} as F16. Sub-block {@code k}
 * (elements {@code 16k .. 16k+15}) is {@code k = 8n + 2j + h}: its element {@code l} takes bits {@code 2j, 2j+1}
 * of {@code qs[32n + 16h + l]} and bit {@code 4n + j} of {@code hmask[16h + l]}; the value is
 * {@code (d * (sc - 32)) * (q - (highBit ? 0 : 4))}. Scale {@code k} has its low 4 bits in byte {@code k % 8}
 * (low nibble for {@code k < 8}, high nibble otherwise) and its top 2 bits in bits {@code 2(k / 4), 2(k / 4)+1}
 * of byte {@code 8 + k % 4}.
 */
public final class Q3_KTensor extends DecodingTensor {

    public Q3_KTensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        super(data, rows, cols, vectorized);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q3_K;
    }

    @Override
    public Q3_KTensor withVectorized(boolean vectorized) {
        return new Q3_KTensor(data, rows, cols, vectorized);
    }

    /** Scale {@code k} (0..15) of the block at {@code at}, with its offset of 32 removed: -32 .. 31. */
    private int scale(long at, int k) {
        int low = (u8(at + 96 + k % 8) >>> (4 * (k / 8))) & 0xF;
        int high = (u8(at + 96 + 8 + k % 4) >>> (2 * (k / 4))) & 3;
        return (low | high << 4) - 32;
    }

    @Override
    protected void decodeScalar(long at, float[] out, int off) {
        float d = half(at + 108);
        for (int e = 0; e < 256; e++) {
            int k = e / 16;       // sub-block: its scale
            int n = e / 128;      // half: which 32 bytes of qs, which 4 bits of hmask
            int j = e % 128 / 32; // which 2-bit field of those bytes
            int h = e % 32 / 16;  // first or second 16 of those bytes
            int l = e % 16;
            int q = (u8(at + 32 + 32 * n + 16 * h + l) >>> (2 * j)) & 3;
            int highBit = (u8(at + 16 * h + l) >>> (4 * n + j)) & 1;
            float dl = d * scale(at, k);
            out[off + e] = dl * (q - (highBit == 1 ? 0 : 4));
        }
    }

    @Override
    protected void decodeVector(long at, int count, float[] out, int off) {
        for (int b = 0; b < count; b++, at += 110, off += 256) {
            float d = half(at + 108);
            // one store site in the loop keeps C2's graph small enough to inline the vector helpers
            for (int k = 0; k < 16; k++) {
                int n = k >> 3;
                int j = (k >> 1) & 3;
                int h = k & 1;
                float dl = d * scale(at, k);
                ByteVector q = ByteVector.fromMemorySegment(B16, data, at + 32 + 32 * n + 16 * h, LE);
                ByteVector hm = ByteVector.fromMemorySegment(B16, data, at + 16 * h, LE);
                for (int p = 0; p < Simd.PARTS_PER_16; p++) {
                    // q - (highBit ? 0 : 4) == (q | highBit << 2) - 4, exact in ints
                    IntVector v = Simd.field(q, p, 2 * j, 3)
                            .or(Simd.field(hm, p, 4 * n + j, 1).lanewise(VectorOperators.LSHL, 2)).sub(4);
                    ((FloatVector) v.convertShape(VectorOperators.I2F, F, 0)).mul(dl).intoArray(out, off + 16 * k + p * L);
                }
            }
        }
    }

    // Fused vector dot: decodes each 16-element sub-block in registers (dl * (q - 4 + 4 * highBit), one rounded
    // multiply of an exact integer, exactly like decodeScalar) and multiply-adds it at once, in element order.

    @Override
    public float dotVector(int row, float[] x, int xOff) {
        long at = row * rowBytes;
        int blocks = cols / 256;
        FloatVector acc = FloatVector.zero(F);
        for (int blk = 0; blk < blocks; blk++, at += 110) {
            int xb = xOff + blk * 256;
            float d = half(at + 108);
            ByteVector hm0 = ByteVector.fromMemorySegment(B16, data, at, LE);
            ByteVector hm1 = ByteVector.fromMemorySegment(B16, data, at + 16, LE);
            for (int k = 0; k < 16; k++) {
                int n = k >> 3;
                int j = (k >> 1) & 3;
                int h = k & 1;
                FloatVector dv = FloatVector.broadcast(F, d * scale(at, k));
                ByteVector q = ByteVector.fromMemorySegment(B16, data, at + 32 + 32 * n + 16 * h, LE);
                ByteVector hm = h == 0 ? hm0 : hm1;
                int shift = 2 * j;
                int bit = 4 * n + j;
                for (int p = 0; p < Simd.PARTS_PER_16; p++) {
                    IntVector v = Simd.field(q, p, shift, 3)
                            .or(Simd.field(hm, p, bit, 1).lanewise(VectorOperators.LSHL, 2)).sub(4);
                    acc = ((FloatVector) v.convertShape(VectorOperators.I2F, F, 0)).mul(dv)
                            .fma(FloatVector.fromArray(F, x, xb + 16 * k + p * L), acc);
                }
            }
        }
        acc = acc.add(acc.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD2));
        return acc.add(acc.rearrange(Simd.FOLD1)).lane(0);
    }

    /**
     * Q3_K: per 16 elements a signed step (largest magnitude / -4, so values run -4..3), stored as 6-bit signed
     * multiples of {@code d} (the largest step at -32, as Q6_K keeps its largest at -128).
     */
    static void encode(float[] x, int s, byte[] out, int at) {
        float[] steps = new float[16];
        float signedMaxStep = Quantizer.subBlockSteps(x, s, -4f, steps);
        float d = Float.float16ToFloat(Float.floatToFloat16(signedMaxStep / -32f));
        byte[] block = new byte[110];
        for (int k = 0; k < 16; k++) {
            int sc = d != 0 ? Math.max(-32, Math.min(31, Math.round(steps[k] / d))) : 0;
            int stored = sc + 32;
            // scale k: low 4 bits in byte k % 8 (nibble k / 8), top 2 bits at bit 2 (k / 4) of byte 8 + k % 4
            block[96 + k % 8] |= (byte) ((stored & 0xF) << (4 * (k / 8)));
            block[96 + 8 + k % 4] |= (byte) ((stored >>> 4) << (2 * (k / 4)));
            float step = d * sc;
            // element 16k + l: bits 2j of qs[32n + 16h + l], bit 4n + j of hmask[16h + l], k = 8n + 2j + h
            int n = k >> 3;
            int j = (k >> 1) & 3;
            int h = k & 1;
            for (int l = 0; l < 16; l++) {
                int v = step != 0 ? Math.round(x[s + 16 * k + l] / step) : 0;
                int u = Math.max(-4, Math.min(3, v)) + 4; // 0..7: value u - 4, high bit set when u >= 4
                block[32 + 32 * n + 16 * h + l] |= (byte) ((u & 3) << (2 * j));
                block[16 * h + l] |= (byte) ((u >>> 2) << (4 * n + j));
            }
        }
        System.arraycopy(block, 0, out, at, 108);
        Quantizer.putShort(out, at + 108, Float.floatToFloat16(d));
    }
}
