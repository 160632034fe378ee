package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.B16;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
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

    @Override
    protected void decodeScalar(long at, float[] out, int off) {
        float d = half(at);
        float dmin = half(at + 2);
        int[] s = new int[12];
        for (int i = 0; i < 12; i++) {
            s[i] = u8(at + 4 + i);
        }
        for (int g = 0; g < 4; g++) {
            float d1 = d * KScales.scale(s, 2 * g);
            float m1 = dmin * KScales.min(s, 2 * g);
            float d2 = d * KScales.scale(s, 2 * g + 1);
            float m2 = dmin * KScales.min(s, 2 * g + 1);
            for (int l = 0; l < 32; l++) {
                int q = u8(at + 48 + 32 * g + l);
                int h = u8(at + 16 + l);
                out[off + 64 * g + l] = d1 * ((q & 0xF) + ((h >>> (2 * g)) & 1) * 16) - m1;
                out[off + 64 * g + 32 + l] = d2 * ((q >>> 4) + ((h >>> (2 * g + 1)) & 1) * 16) - m2;
            }
        }
    }

    @Override
    protected void decodeVector(long at, int count, float[] out, int off) {
        int[] s = new int[12];
        for (int b = 0; b < count; b++, at += 176, off += 256) {
            float d = half(at);
            float dmin = half(at + 2);
            for (int i = 0; i < 12; i++) {
                s[i] = u8(at + 4 + i);
            }
            for (int g = 0; g < 4; g++) {
                float d1 = d * KScales.scale(s, 2 * g);
                float m1 = dmin * KScales.min(s, 2 * g);
                float d2 = d * KScales.scale(s, 2 * g + 1);
                float m2 = dmin * KScales.min(s, 2 * g + 1);
                // one store site in the loop keeps C2's graph small enough to inline the vector helpers
                for (int k = 0; k < 4; k++) {
                    int h = k & 1;
                    int nibble = k >> 1;
                    ByteVector qh = ByteVector.fromMemorySegment(B16, data, at + 16 + 16 * h, LE);
                    ByteVector q = ByteVector.fromMemorySegment(B16, data, at + 48 + 32 * g + 16 * h, LE);
                    ByteVector v = q.lanewise(VectorOperators.LSHR, 4 * nibble).and((byte) 0xF)
                            .or(qh.lanewise(VectorOperators.LSHR, 2 * g + nibble).and((byte) 1)
                                    .lanewise(VectorOperators.LSHL, 4));
                    storeMulSub(v, nibble == 0 ? d1 : d2, nibble == 0 ? m1 : m2, out,
                            off + 64 * g + 32 * nibble + 16 * h);
                }
            }
        }
    }
}
