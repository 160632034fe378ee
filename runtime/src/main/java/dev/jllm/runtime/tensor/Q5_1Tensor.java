package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.B16;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;

/**
 * GGML Q5_1 weights. A block holds 32 elements in 24 bytes: the scale {@code d} and the minimum {@code m} as
 * F16, the fifth bits {@code qh} (a little-endian 32-bit word), then 16 bytes {@code qs}. Element {@code j < 16}
 * is {@code ((qs[j] & 0xF) | bit(qh, j) << 4) * d + m}; element {@code j >= 16} takes the high nibble of
 * {@code qs[j - 16]} and bit {@code j} of {@code qh}.
 */
public final class Q5_1Tensor extends DecodingTensor {

    public Q5_1Tensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        super(data, rows, cols, vectorized);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q5_1;
    }

    @Override
    public Q5_1Tensor withVectorized(boolean vectorized) {
        return new Q5_1Tensor(data, rows, cols, vectorized);
    }

    @Override
    protected void decodeScalar(long at, float[] out, int off) {
        float d = half(at);
        float m = half(at + 2);
        int qh = data.get(FifthBits.INT_LE, at + 4);
        for (int j = 0; j < 16; j++) {
            int packed = u8(at + 8 + j);
            int lo = (packed & 0xF) | ((qh >>> j) & 1) << 4;
            int hi = (packed >>> 4) | ((qh >>> (j + 16)) & 1) << 4;
            out[off + j] = lo * d + m;
            out[off + 16 + j] = hi * d + m;
        }
    }

    @Override
    protected void decodeVector(long at, int count, float[] out, int off) {
        for (int b = 0; b < count; b++, at += 24, off += 32) {
            float d = half(at);
            float m = half(at + 2);
            ByteVector qh = ByteVector.fromMemorySegment(B16, data, at + 4, LE);
            ByteVector packed = ByteVector.fromMemorySegment(B16, data, at + 8, LE);
            for (int half = 0; half < 2; half++) { // one store site keeps C2's graph small enough to inline it
                ByteVector q = packed.lanewise(VectorOperators.LSHR, 4 * half).and((byte) 0xF)
                        .or(FifthBits.spread(qh, half));
                storeMulAdd(q, d, m, out, off + 16 * half);
            }
        }
    }

    /** One block of 32 values in this layout, as ggml's {@code quantize_row_q5_1_ref}. */
    static void encode(float[] x, int s, byte[] out, int at) {
        float[] minAndInverse = Quantizer.minBlockHeader(x, s, 31f, out, at);
        float min = minAndInverse[0];
        float id = minAndInverse[1];
        int qh = 0;
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(31, (int) ((x[s + j] - min) * id + 0.5f));
            int hi = Math.min(31, (int) ((x[s + 16 + j] - min) * id + 0.5f));
            out[at + 8 + j] = (byte) ((lo & 0xF) | (hi & 0xF) << 4);
            qh |= ((lo >>> 4) & 1) << j;
            qh |= ((hi >>> 4) & 1) << (j + 16);
        }
        Quantizer.putInt(out, at + 4, qh);
    }
}
