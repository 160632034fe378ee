package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.B16;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.VectorOperators;

/**
 * GGML Q4_1 weights. A block holds 32 elements in 20 bytes: the scale {@code d} and the minimum {@code m} as
 * F16, then 16 bytes {@code qs}; element {@code j < 16} is {@code (qs[j] & 0xF) * d + m} and element
 * {@code j >= 16} is {@code (qs[j - 16] >> 4) * d + m}.
 */
public final class Q4_1Tensor extends DecodingTensor {

    public Q4_1Tensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        super(data, rows, cols, vectorized);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_1;
    }

    @Override
    public Q4_1Tensor withVectorized(boolean vectorized) {
        return new Q4_1Tensor(data, rows, cols, vectorized);
    }

    @Override
    protected void decodeScalar(long at, float[] out, int off) {
        float d = half(at);
        float m = half(at + 2);
        for (int j = 0; j < 16; j++) {
            int packed = u8(at + 4 + j);
            out[off + j] = (packed & 0xF) * d + m;
            out[off + 16 + j] = (packed >>> 4) * d + m;
        }
    }

    @Override
    protected void decodeVector(long at, int count, float[] out, int off) {
        for (int b = 0; b < count; b++, at += 20, off += 32) {
            float d = half(at);
            float m = half(at + 2);
            ByteVector packed = ByteVector.fromMemorySegment(B16, data, at + 4, LE);
            for (int half = 0; half < 2; half++) { // low nibbles, then high: one store site keeps C2's graph small
                storeMulAdd(packed.lanewise(VectorOperators.LSHR, 4 * half).and((byte) 0xF), d, m, out, off + 16 * half);
            }
        }
    }

    /** One block of 32 values in this layout, as ggml's {@code quantize_row_q4_1_ref}. */
    static void encode(float[] x, int s, byte[] out, int at) {
        float[] minAndInverse = Quantizer.minBlockHeader(x, s, 15f, out, at);
        float min = minAndInverse[0];
        float id = minAndInverse[1];
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(15, (int) ((x[s + j] - min) * id + 0.5f));
            int hi = Math.min(15, (int) ((x[s + 16 + j] - min) * id + 0.5f));
            out[at + 4 + j] = (byte) (lo | hi << 4);
        }
    }
}
