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

/**
 * GGML Q8_0 weights. A block holds 32 elements in 34 bytes: the scale {@code d} as an F16, then 32
 * signed bytes {@code q}; element {@code j} is {@code q[j] * d}.
 */
public final class Q8_0Tensor extends WeightTensor {

    public static final int BLOCK = 32;
    public static final int BLOCK_BYTES = 34;

    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    public Q8_0Tensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        super(data, rows, cols, vectorized);
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public Q8_0Tensor withVectorized(boolean vectorized) {
        return new Q8_0Tensor(data, rows, cols, vectorized);
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
                blockSum += data.get(ValueLayout.JAVA_BYTE, block + 2 + j) * x[xi + j];
            }
            sum += blockSum * scale(block);
        }
        return sum;
    }

    // Vector layout: the operation order of WeightTensor, each element decoded as q * d (exactly the float of
    // dequantizeRow).

    @Override
    public float dotVector(int row, float[] x, int xOff) {
        long base = row * rowBytes;
        int blocks = cols / BLOCK;
        FloatVector a = FloatVector.zero(F);
        for (int blk = 0; blk < blocks; blk++) {
            long block = base + (long) blk * BLOCK_BYTES;
            int xi = xOff + blk * BLOCK;
            FloatVector dv = FloatVector.broadcast(F, scale(block));
            ByteVector q0 = ByteVector.fromMemorySegment(B16, data, block + 2, LE);
            ByteVector q1 = ByteVector.fromMemorySegment(B16, data, block + 18, LE);
            if (PARTS_PER_16 == 1) {
                a = Simd.bytesToFloat(q0, 0).mul(dv).fma(FloatVector.fromArray(F, x, xi), a);
                a = Simd.bytesToFloat(q1, 0).mul(dv).fma(FloatVector.fromArray(F, x, xi + 16), a);
            } else {
                for (int p = 0; p < PARTS_PER_16; p++) {
                    a = Simd.bytesToFloat(q0, p).mul(dv).fma(FloatVector.fromArray(F, x, xi + p * L), a);
                }
                for (int p = 0; p < PARTS_PER_16; p++) {
                    a = Simd.bytesToFloat(q1, p).mul(dv).fma(FloatVector.fromArray(F, x, xi + 16 + p * L), a);
                }
            }
        }
        a = a.add(a.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        a = a.add(a.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        a = a.add(a.rearrange(Simd.FOLD2));
        return a.add(a.rearrange(Simd.FOLD1)).lane(0);
    }

    @Override
    public void decodeRowVector(int row, float[] out, int outOff) {
        checkRow(row);
        long base = row * rowBytes;
        for (int blk = 0; blk < cols / BLOCK; blk++) {
            long block = base + (long) blk * BLOCK_BYTES;
            int o = outOff + blk * BLOCK;
            FloatVector dv = FloatVector.broadcast(F, scale(block));
            ByteVector q0 = ByteVector.fromMemorySegment(B16, data, block + 2, LE);
            ByteVector q1 = ByteVector.fromMemorySegment(B16, data, block + 18, LE);
            for (int p = 0; p < PARTS_PER_16; p++) {
                Simd.bytesToFloat(q0, p).mul(dv).intoArray(out, o + p * L);
                Simd.bytesToFloat(q1, p).mul(dv).intoArray(out, o + 16 + p * L);
            }
        }
    }

    @Override
    public void dequantizeRow(int row, float[] out, int outOff) {
        checkRow(row);
        long base = row * rowBytes;
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = base + (long) b * BLOCK_BYTES;
            float d = scale(block);
            for (int j = 0; j < BLOCK; j++) {
                out[outOff + b * BLOCK + j] = data.get(ValueLayout.JAVA_BYTE, block + 2 + j) * d;
            }
        }
    }

    /** One block of 32 values in this layout, as ggml's {@code quantize_row_q8_0_ref}. */
    static void encode(float[] x, int s, byte[] out, int at) {
        float amax = Math.abs(Quantizer.signedMax(x, s, 32));
        float d = amax / 127f;
        float id = d != 0 ? 1f / d : 0f;
        Quantizer.putShort(out, at, Float.floatToFloat16(d));
        for (int j = 0; j < 32; j++) {
            out[at + 2 + j] = (byte) Quantizer.roundHalfAway(x[s + j] * id);
        }
    }
}
