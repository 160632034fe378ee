package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.B16;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;

/**
 * GGML Q5_0 weights. A block holds 32 elements in 22 bytes: the scale {@code d} as F16, the fifth bits
 * {@code qh} (4 bytes, a little-endian 32-bit word), then 16 bytes {@code qs}. Element {@code j < 16} is
 * {@code ((qs[j] & 0xF) | bit(qh, j) << 4) - 16) * d}; element {@code j >= 16} takes the high nibble of
 * {@code qs[j - 16]} and bit {@code j} of {@code qh}.
 */
public final class Q5_0Tensor extends DecodingTensor {

    public Q5_0Tensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        super(data, rows, cols, vectorized);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q5_0;
    }

    @Override
    public Q5_0Tensor withVectorized(boolean vectorized) {
        return new Q5_0Tensor(data, rows, cols, vectorized);
    }

    @Override
    protected void decodeScalar(long at, float[] out, int off) {
        float d = half(at);
        int qh = data.get(FifthBits.INT_LE, at + 2);
        for (int j = 0; j < 16; j++) {
            int packed = u8(at + 6 + j);
            int lo = (packed & 0xF) | ((qh >>> j) & 1) << 4;
            int hi = (packed >>> 4) | ((qh >>> (j + 16)) & 1) << 4;
            out[off + j] = (lo - 16) * d;
            out[off + 16 + j] = (hi - 16) * d;
        }
    }

    @Override
    protected void decodeVector(long at, int count, float[] out, int off) {
        for (int b = 0; b < count; b++, at += 22, off += 32) {
            float d = half(at);
            // 16 bytes from qh on: lanes 0..3 hold qh, the rest (qs) is ignored by the bit spreading
            ByteVector qh = ByteVector.fromMemorySegment(B16, data, at + 2, LE);
            ByteVector packed = ByteVector.fromMemorySegment(B16, data, at + 6, LE);
            for (int half = 0; half < 2; half++) { // one store site keeps C2's graph small enough to inline it
                ByteVector q = packed.lanewise(VectorOperators.LSHR, 4 * half).and((byte) 0xF)
                        .or(FifthBits.spread(qh, half)).sub((byte) 16);
                storeMul(q, d, out, off + 16 * half);
            }
        }
    }

    /** One block of 32 values in this layout, as ggml's {@code quantize_row_q5_0_ref}. */
    static void encode(float[] x, int s, byte[] out, int at) {
        float d = Quantizer.signedMax(x, s, 32) / -16f;
        float id = d != 0 ? 1f / d : 0f;
        Quantizer.putShort(out, at, Float.floatToFloat16(d));
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(31, (int) (x[s + j] * id + 16.5f));
            int hi = Math.min(31, (int) (x[s + 16 + j] * id + 16.5f));
            out[at + 6 + j] = (byte) ((lo & 0xF) | (hi & 0xF) << 4);
            qh |= ((lo >>> 4) & 1) << j;
            qh |= ((hi >>> 4) & 1) << (j + 16);
        }
        Quantizer.putInt(out, at + 2, qh);
    }
}
