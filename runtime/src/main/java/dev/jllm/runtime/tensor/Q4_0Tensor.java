package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.B16;
import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.L;
import static dev.jllm.runtime.tensor.Simd.PARTS_PER_16;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * GGML Q4_0 weights. A block holds 32 elements in 18 bytes: the scale {@code d} as an F16, then 16
 * bytes {@code qs}; element {@code j < 16} is {@code ((qs[j] & 0xF) - 8) * d} and element
 * {@code j >= 16} is {@code ((qs[j - 16] >> 4) - 8) * d}.
 */
public final class Q4_0Tensor extends IntegerKernelTensor {

    public static final int BLOCK = 32;
    public static final int BLOCK_BYTES = 18;

    public Q4_0Tensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        this(data, rows, cols, vectorized, repacks(true));
    }

    private Q4_0Tensor(MemorySegment data, int rows, int cols, boolean vectorized, boolean integer) {
        super(data, rows, cols, vectorized, integer);
    }

    @Override
    boolean blockActivations() {
        return true;
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public Q4_0Tensor withVectorized(boolean vectorized) {
        return new Q4_0Tensor(data, rows, cols, vectorized, integer);
    }

    @Override
    public Q4_0Tensor withIntegerKernel(boolean on) {
        return new Q4_0Tensor(data, rows, cols, vectorized(), on);
    }

    @Override
    Q4_0Packed repack() {
        return new Q4_0Packed(this);
    }

    /** The 4-bit value (0..15, 8 meaning zero) of element {@code j} (0..31) of a block: low nibbles, then high. */
    static int nibble(MemorySegment data, long block, int j) {
        int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + (j & 15)) & 0xFF;
        return j < 16 ? packed & 0xF : packed >>> 4;
    }

    @Override
    float integerDotScalar(int row, Q8KActivations a) {
        long base = row * rowBytes;
        float sum = 0f;
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = base + (long) b * BLOCK_BYTES;
            int isum = 0;
            for (int j = 0; j < BLOCK; j++) {
                isum += (nibble(data, block, j) - 8) * a.q(BLOCK * b + j);
            }
            sum += (half(block) * a.scaleOf(BLOCK * b)) * (float) isum;
        }
        return sum;
    }

    @Override
    protected void decodeScalar(long at, float[] out, int off) {
        float d = half(at);
        for (int j = 0; j < BLOCK; j++) {
            out[off + j] = (nibble(data, at, j) - 8) * d;
        }
    }

    @Override
    protected void decodeVector(long at, int count, float[] out, int off) {
        for (int blk = 0; blk < count; blk++, at += BLOCK_BYTES, off += BLOCK) {
            float d = half(at);
            FloatVector dv = FloatVector.broadcast(F, d);
            FloatVector mv = FloatVector.broadcast(F, -8f * d);
            ByteVector packed = ByteVector.fromMemorySegment(B16, data, at + 2, LE);
            for (int p = 0; p < PARTS_PER_16; p++) {
                nibbles(packed, p, 0xF, 0).fma(dv, mv).intoArray(out, off + p * L);
                nibbles(packed, p, 0xF0, 4).fma(dv, mv).intoArray(out, off + 16 + p * L);
            }
        }
    }

    // Vector layout: the operation order of WeightTensor. Each element is decoded as fma(nibble, d, -8d), which
    // is (nibble - 8) * d rounded once: exactly the float of dequantizeRow. A block's chunks are its low nibbles
    // (elements 0..15) then its high nibbles (16..31).

    @Override
    float floatDotVector(int row, float[] x, int xOff) {
        long base = row * rowBytes;
        int blocks = cols / BLOCK;
        FloatVector a = FloatVector.zero(F);
        for (int blk = 0; blk < blocks; blk++) {
            long block = base + (long) blk * BLOCK_BYTES;
            int xi = xOff + blk * BLOCK;
            float d = half(block);
            FloatVector dv = FloatVector.broadcast(F, d);
            FloatVector mv = FloatVector.broadcast(F, -8f * d);
            ByteVector packed = ByteVector.fromMemorySegment(B16, data, block + 2, LE);
            if (PARTS_PER_16 == 1) {
                IntVector v = (IntVector) packed.convertShape(VectorOperators.ZERO_EXTEND_B2I, Simd.I, 0);
                FloatVector lo = (FloatVector) v.and(0xF).convertShape(VectorOperators.I2F, F, 0);
                FloatVector hi = (FloatVector) v.lanewise(VectorOperators.LSHR, 4).convertShape(VectorOperators.I2F, F, 0);
                a = lo.fma(dv, mv).fma(FloatVector.fromArray(F, x, xi), a);
                a = hi.fma(dv, mv).fma(FloatVector.fromArray(F, x, xi + 16), a);
            } else {
                for (int p = 0; p < PARTS_PER_16; p++) {
                    a = nibbles(packed, p, 0xF, 0).fma(dv, mv).fma(FloatVector.fromArray(F, x, xi + p * L), a);
                }
                for (int p = 0; p < PARTS_PER_16; p++) {
                    a = nibbles(packed, p, 0xF0, 4).fma(dv, mv).fma(FloatVector.fromArray(F, x, xi + 16 + p * L), a);
                }
            }
        }
        a = a.add(a.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        a = a.add(a.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        a = a.add(a.rearrange(Simd.FOLD2));
        return a.add(a.rearrange(Simd.FOLD1)).lane(0);
    }

    // Nibbles are split on int lanes: x86 has no byte shifts, and C2's emulation of them cost more than the
    // rest of the kernel (measured 2x on AVX-512). The values, hence the results, are the same either way.

    /** Part {@code p} of the nibbles {@code (byte & mask) >>> shift}, as floats (elements {@code p * L ..}). */
    private static FloatVector nibbles(ByteVector packed, int p, int mask, int shift) {
        IntVector v = (IntVector) packed.convertShape(VectorOperators.ZERO_EXTEND_B2I, Simd.I, p);
        return (FloatVector) v.and(mask).lanewise(VectorOperators.LSHR, shift).convertShape(VectorOperators.I2F, F, 0);
    }

    /** One block of 32 values in this layout, as ggml's {@code quantize_row_q4_0_ref}. */
    static void encode(float[] x, int s, byte[] out, int at) {
        float d = Quantizer.signedMax(x, s, 32) / -8f;
        float id = d != 0 ? 1f / d : 0f;
        Quantizer.putShort(out, at, Float.floatToFloat16(d));
        for (int j = 0; j < 16; j++) {
            int lo = Math.min(15, (int) (x[s + j] * id + 8.5f));
            int hi = Math.min(15, (int) (x[s + 16 + j] * id + 8.5f));
            out[at + 2 + j] = (byte) (lo | hi << 4);
        }
    }
}
