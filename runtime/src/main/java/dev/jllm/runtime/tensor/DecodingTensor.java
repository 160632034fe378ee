package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.L;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Quantized weight types whose vector kernels first decode a chunk of blocks to floats (in a small buffer that
 * stays in L1) and then multiply-add it with the activations: Q4_1, Q5_0, Q5_1, the k-quants and IQ4_NL/IQ4_XS.
 *
 * <p>A subclass supplies two block decoders that must produce bit-identical floats: {@link #decodeScalar}
 * (element by element, written to be obviously right: the oracle) and {@link #decodeVector}. Every decoded
 * value is one float expression of the block's fields (e.g. {@code d1 * q - m1}, rounded after each operation,
 * never fused), so the two agree exactly and {@link #dequantizeRow} is the value the dot products use.
 *
 * <p>The vector dot follows the operation order of {@link WeightTensor}: fused multiply-adds of the chunks in order
 * into one accumulator, folded in the fixed lane order of {@link Simd}; rows are whole blocks, so there is no tail.
 */
public abstract sealed class DecodingTensor extends WeightTensor
        permits Q4_1Tensor, Q5_0Tensor, Q5_1Tensor, Q2_KTensor, Q3_KTensor, IntegerKernelTensor, Q5_KTensor,
                IQ4_NLTensor, IQ4_XSTensor {

    /** Elements decoded per call: one virtual call per chunk, not per (possibly 32-element) block. */
    private static final int CHUNK = 256;

    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final int block;
    private final int blockBytes;
    private final int blocksPerChunk;

    protected DecodingTensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        super(data, rows, cols, vectorized);
        this.block = type().blockSize();
        this.blockBytes = type().typeSize();
        this.blocksPerChunk = Math.max(1, CHUNK / block);
    }

    /** Writes the {@code blockSize} values of the block at byte {@code at} to {@code out[off ..]}, one at a time. */
    protected abstract void decodeScalar(long at, float[] out, int off);

    /**
     * Writes the values of {@code count} consecutive blocks starting at byte {@code at} to {@code out[off ..]}
     * with vector code; bit-identical to {@link #decodeScalar}.
     */
    protected abstract void decodeVector(long at, int count, float[] out, int off);

    /**
     * {@code out[off + i] = ((bytes[i] >>> shift) & mask) * d - m} for the 16 unsigned byte lanes of
     * {@code bytes}, with the bit work on int lanes (x86 has no byte shifts: C2 emulates them slowly).
     */
    static void storeFieldMulSub(ByteVector bytes, int shift, int mask, float d, float m, float[] out, int off) {
        for (int p = 0; p < Simd.PARTS_PER_16; p++) {
            IntVector v = ((IntVector) bytes.convertShape(VectorOperators.ZERO_EXTEND_B2I, Simd.I, p))
                    .lanewise(VectorOperators.LSHR, shift).and(mask);
            ((FloatVector) v.convertShape(VectorOperators.I2F, F, 0)).mul(d).sub(m).intoArray(out, off + p * L);
        }
    }

    /** {@code out[off + i] = q[i] * d + m} for the 16 byte lanes of {@code q}. */
    static void storeMulAdd(ByteVector q, float d, float m, float[] out, int off) {
        for (int p = 0; p < Simd.PARTS_PER_16; p++) {
            Simd.bytesToFloat(q, p).mul(d).add(m).intoArray(out, off + p * L);
        }
    }

    /** {@code out[off + i] = q[i] * d - m} for the 16 byte lanes of {@code q}. */
    static void storeMulSub(ByteVector q, float d, float m, float[] out, int off) {
        for (int p = 0; p < Simd.PARTS_PER_16; p++) {
            Simd.bytesToFloat(q, p).mul(d).sub(m).intoArray(out, off + p * L);
        }
    }

    /** {@code out[off + i] = q[i] * d} for the 16 byte lanes of {@code q}. */
    static void storeMul(ByteVector q, float d, float[] out, int off) {
        for (int p = 0; p < Simd.PARTS_PER_16; p++) {
            Simd.bytesToFloat(q, p).mul(d).intoArray(out, off + p * L);
        }
    }

    static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    final float half(long at) {
        return Float.float16ToFloat(data.get(SHORT_LE, at));
    }

    final int u8(long at) {
        return data.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }

    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        long base = row * rowBytes;
        float[] w = new float[block];
        float sum = 0f;
        for (int b = 0, xi = xOff; b < cols / block; b++, xi += block) {
            decodeScalar(base + (long) b * blockBytes, w, 0);
            for (int j = 0; j < block; j++) {
                sum += w[j] * x[xi + j];
            }
        }
        return sum;
    }

    @Override
    public final void dequantizeRow(int row, float[] out, int outOff) {
        checkRow(row);
        long base = row * rowBytes;
        for (int b = 0; b < cols / block; b++) {
            decodeScalar(base + (long) b * blockBytes, out, outOff + b * block);
        }
    }

    @Override
    public final void decodeRowVector(int row, float[] out, int outOff) {
        checkRow(row);
        decodeVector(row * rowBytes, cols / block, out, outOff);
    }

    // The accumulators go through a small array around each decodeVector call: a vector live across a call
    // that C2 does not inline is boxed on the heap at every call (measured: 3x slower than decoding alone).

    @Override
    public float dotVector(int row, float[] x, int xOff) {
        long base = row * rowBytes;
        int blocks = cols / block;
        float[] w = new float[blocksPerChunk * block];
        float[] acc = new float[L];
        for (int b = 0; b < blocks; b += blocksPerChunk) {
            int count = Math.min(blocksPerChunk, blocks - b);
            decodeVector(base + (long) b * blockBytes, count, w, 0);
            int xi = xOff + b * block;
            FloatVector a = FloatVector.fromArray(F, acc, 0);
            for (int i = 0, n = count * block; i < n; i += L) {
                a = FloatVector.fromArray(F, w, i).fma(FloatVector.fromArray(F, x, xi + i), a);
            }
            a.intoArray(acc, 0);
        }
        FloatVector a = FloatVector.fromArray(F, acc, 0);
        a = a.add(a.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        a = a.add(a.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        a = a.add(a.rearrange(Simd.FOLD2));
        return a.add(a.rearrange(Simd.FOLD1)).lane(0);
    }
}
