package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.B16;
import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.L;
import static dev.jllm.runtime.tensor.Simd.PARTS_PER_16;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * GGML Q4_0 weights. A block holds 32 elements in 18 bytes: the scale {@code d} as an F16, then 16
 * bytes {@code qs}; element {@code j < 16} is {@code ((qs[j] & 0xF) - 8) * d} and element
 * {@code j >= 16} is {@code ((qs[j - 16] >> 4) - 8) * d}.
 */
public final class Q4_0Tensor extends WeightTensor {

    public static final int BLOCK = 32;
    public static final int BLOCK_BYTES = 18;

    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    public Q4_0Tensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        super(data, rows, cols, vectorized);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public Q4_0Tensor withVectorized(boolean vectorized) {
        return new Q4_0Tensor(data, rows, cols, vectorized);
    }

    /** The signed 4-bit value of element {@code j} (0..31) of a block: low nibbles first, then high nibbles. */
    private int quant(long block, int j) {
        int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + (j & 15)) & 0xFF;
        return (j < 16 ? packed & 0xF : packed >>> 4) - 8;
    }

    private float scale(long block) {
        return Float.float16ToFloat(data.get(SHORT_LE, block));
    }

    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        long base = row * rowBytes;
        float sum = 0f;
        for (int b = 0, xi = xOff; b < cols / BLOCK; b++, xi += BLOCK) {
            long block = base + (long) b * BLOCK_BYTES;
            float blockSum = 0f;
            for (int j = 0; j < BLOCK; j++) {
                blockSum += quant(block, j) * x[xi + j];
            }
            sum += blockSum * scale(block);
        }
        return sum;
    }

    // Vector layout (shared by dotVector and dotVector4): per block, a fresh sum of (nibble-8)*x over its 32
    // elements (low nibbles = elements 0..15, then high nibbles), scaled by d into one accumulator per token;
    // then the lanes by a fixed tree. One accumulator per token keeps C2 from boxing the four-token kernel.

    @Override
    public float dotVector(int row, float[] x, int xOff) {
        long base = row * rowBytes;
        int blocks = cols / BLOCK;
        FloatVector acc = FloatVector.zero(F);
        for (int b = 0; b < blocks; b++) {
            long block = base + (long) b * BLOCK_BYTES;
            int xi = xOff + b * BLOCK;
            ByteVector packed = ByteVector.fromMemorySegment(B16, data, block + 2, LE);
            FloatVector s = FloatVector.zero(F);
            for (int p = 0; p < PARTS_PER_16; p++) {
                s = low(packed, p).fma(FloatVector.fromArray(F, x, xi + p * L), s);
            }
            for (int p = 0; p < PARTS_PER_16; p++) {
                s = high(packed, p).fma(FloatVector.fromArray(F, x, xi + 16 + p * L), s);
            }
            acc = s.fma(FloatVector.broadcast(F, scale(block)), acc);
        }
        acc = acc.add(acc.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD2));
        return acc.add(acc.rearrange(Simd.FOLD1)).lane(0);
    }

    @Override
    public void dotVector4(int row, float[] x, int x0, int x1, int x2, int x3,
                           float[] out, int o0, int o1, int o2, int o3) {
        long base = row * rowBytes;
        int blocks = cols / BLOCK;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b < blocks; b++) {
            long block = base + (long) b * BLOCK_BYTES;
            int xb = b * BLOCK;
            ByteVector packed = ByteVector.fromMemorySegment(B16, data, block + 2, LE);
            FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
            for (int p = 0; p < PARTS_PER_16; p++) {
                FloatVector w = low(packed, p);
                int xi = xb + p * L;
                s0 = w.fma(FloatVector.fromArray(F, x, x0 + xi), s0);
                s1 = w.fma(FloatVector.fromArray(F, x, x1 + xi), s1);
                s2 = w.fma(FloatVector.fromArray(F, x, x2 + xi), s2);
                s3 = w.fma(FloatVector.fromArray(F, x, x3 + xi), s3);
            }
            for (int p = 0; p < PARTS_PER_16; p++) {
                FloatVector w = high(packed, p);
                int xi = xb + 16 + p * L;
                s0 = w.fma(FloatVector.fromArray(F, x, x0 + xi), s0);
                s1 = w.fma(FloatVector.fromArray(F, x, x1 + xi), s1);
                s2 = w.fma(FloatVector.fromArray(F, x, x2 + xi), s2);
                s3 = w.fma(FloatVector.fromArray(F, x, x3 + xi), s3);
            }
            FloatVector d = FloatVector.broadcast(F, scale(block));
            a0 = s0.fma(d, a0);
            a1 = s1.fma(d, a1);
            a2 = s2.fma(d, a2);
            a3 = s3.fma(d, a3);
        }
        a0 = a0.add(a0.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        a0 = a0.add(a0.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        a0 = a0.add(a0.rearrange(Simd.FOLD2));
        out[o0] = a0.add(a0.rearrange(Simd.FOLD1)).lane(0);
        a1 = a1.add(a1.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        a1 = a1.add(a1.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        a1 = a1.add(a1.rearrange(Simd.FOLD2));
        out[o1] = a1.add(a1.rearrange(Simd.FOLD1)).lane(0);
        a2 = a2.add(a2.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        a2 = a2.add(a2.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        a2 = a2.add(a2.rearrange(Simd.FOLD2));
        out[o2] = a2.add(a2.rearrange(Simd.FOLD1)).lane(0);
        a3 = a3.add(a3.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        a3 = a3.add(a3.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        a3 = a3.add(a3.rearrange(Simd.FOLD2));
        out[o3] = a3.add(a3.rearrange(Simd.FOLD1)).lane(0);
    }

    // Nibbles are split on int lanes: x86 has no byte shifts, and C2's emulation of them cost more than the
    // rest of the kernel (measured 2x on AVX-512). The values, hence the results, are the same either way.

    /** Part {@code p} of the low nibbles minus 8 (elements {@code p * L ..}), as floats. */
    private static FloatVector low(ByteVector packed, int p) {
        IntVector v = (IntVector) packed.convertShape(VectorOperators.ZERO_EXTEND_B2I, Simd.I, p);
        return (FloatVector) v.and(0xF).sub(8).convert(VectorOperators.I2F, 0);
    }

    /** Part {@code p} of the high nibbles minus 8 (elements {@code 16 + p * L ..}), as floats. */
    private static FloatVector high(ByteVector packed, int p) {
        IntVector v = (IntVector) packed.convertShape(VectorOperators.ZERO_EXTEND_B2I, Simd.I, p);
        return (FloatVector) v.lanewise(VectorOperators.LSHR, 4).sub(8).convert(VectorOperators.I2F, 0);
    }

    @Override
    public void dequantizeRow(int row, float[] out, int outOff) {
        checkRow(row);
        long base = row * rowBytes;
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = base + (long) b * BLOCK_BYTES;
            float d = scale(block);
            for (int j = 0; j < BLOCK; j++) {
                out[outOff + b * BLOCK + j] = quant(block, j) * d;
            }
        }
    }
}
