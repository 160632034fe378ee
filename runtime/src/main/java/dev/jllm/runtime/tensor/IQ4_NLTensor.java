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
 * GGML IQ4_NL weights. A block holds 32 elements in 18 bytes: the scale {@code d} as F16, then 16 bytes
 * {@code qs}; element {@code j < 16} is {@code d * T[qs[j] & 0xF]} and element {@code j >= 16} is
 * {@code d * T[qs[j - 16] >> 4]}, where {@code T} is the non-linear table of {@link Iq4Values}.
 */
public final class IQ4_NLTensor extends DecodingTensor {

    public IQ4_NLTensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        super(data, rows, cols, vectorized);
    }

    @Override
    public GgmlType type() {
        return GgmlType.IQ4_NL;
    }

    @Override
    public IQ4_NLTensor withVectorized(boolean vectorized) {
        return new IQ4_NLTensor(data, rows, cols, vectorized);
    }

    @Override
    protected void decodeScalar(long at, float[] out, int off) {
        float d = half(at);
        for (int j = 0; j < 16; j++) {
            int packed = u8(at + 2 + j);
            out[off + j] = d * Iq4Values.VALUES[packed & 0xF];
            out[off + 16 + j] = d * Iq4Values.VALUES[packed >>> 4];
        }
    }

    @Override
    protected void decodeVector(long at, int count, float[] out, int off) {
        for (int b = 0; b < count; b++, at += 18, off += 32) {
            float d = half(at);
            ByteVector packed = ByteVector.fromMemorySegment(B16, data, at + 2, LE);
            for (int half = 0; half < 2; half++) { // low nibbles, then high: one store site keeps C2's graph small
                storeMul(Iq4Values.lookup(packed, half), d, out, off + 16 * half);
            }
        }
    }

    // Fused vector dot with 16 lanes: the block's 16 possible values d * T[i] (the same products decodeScalar
    // rounds) are one register, and each 16-element chunk is a table lookup (vpermd) fused into the accumulator
    // in element order: low nibbles (elements 0..15), then high nibbles (16..31). Narrower species decode
    // through the buffer of DecodingTensor.

    @Override
    public float dotVector(int row, float[] x, int xOff) {
        if (L != 16) {
            return super.dotVector(row, x, xOff);
        }
        long at = row * rowBytes;
        int blocks = cols / 32;
        FloatVector acc = FloatVector.zero(F);
        for (int blk = 0; blk < blocks; blk++, at += 18) {
            int xb = xOff + 32 * blk;
            IntVector t = Iq4Values.FLOATS.mul(half(at)).reinterpretAsInts();
            ByteVector q = ByteVector.fromMemorySegment(B16, data, at + 2, LE);
            IntVector v = (IntVector) q.convertShape(VectorOperators.ZERO_EXTEND_B2I, Simd.I, 0);
            acc = v.and(0xF).selectFrom(t).reinterpretAsFloats().fma(FloatVector.fromArray(F, x, xb), acc);
            acc = v.lanewise(VectorOperators.LSHR, 4).selectFrom(t).reinterpretAsFloats()
                    .fma(FloatVector.fromArray(F, x, xb + 16), acc);
        }
        acc = acc.add(acc.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD2));
        return acc.add(acc.rearrange(Simd.FOLD1)).lane(0);
    }

    /** IQ4_NL: the block's scale from {@link Iq4Values#scale}, rounded to F16, then the nearest table entries. */
    static void encode(float[] x, int s, byte[] out, int at) {
        short d = Float.floatToFloat16(Iq4Values.scale(x, s, 32));
        Quantizer.putShort(out, at, d);
        Iq4Values.pack(x, s, Float.float16ToFloat(d), out, at + 2);
    }
}
