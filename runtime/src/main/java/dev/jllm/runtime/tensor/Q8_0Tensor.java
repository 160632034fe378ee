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

/**
 * GGML Q8_0 weights. A block holds 32 elements in 34 bytes: the scale {@code d} as an F16, then 32
 * signed bytes {@code q}; element {@code j} is {@code q[j] * d}. The vector kernels are the integer ones of
 * {@link Q8_0Packed} (activations rounded per 32 values, as llama.cpp's Q8_0 x Q8_0 dot), or with
 * {@code -Djllm.repack=false} the float ones below. Side by side in one process (tl-Q8_0, 2 threads) the integer
 * kernel decoded 1.8x as fast as the float one and evaluated prompts as fast; see bench/README.md.
 */
public final class Q8_0Tensor extends IntegerKernelTensor {

    public static final int BLOCK = 32;
    public static final int BLOCK_BYTES = 34;

    public Q8_0Tensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        this(data, rows, cols, vectorized, repacks(true));
    }

    private Q8_0Tensor(MemorySegment data, int rows, int cols, boolean vectorized, boolean integer) {
        super(data, rows, cols, vectorized, integer);
    }

    @Override
    boolean blockActivations() {
        return true;
    }

    @Override
    public GgmlType type() {
        return GgmlType.Q8_0;
    }

    @Override
    public Q8_0Tensor withVectorized(boolean vectorized) {
        return new Q8_0Tensor(data, rows, cols, vectorized, integer);
    }

    @Override
    public Q8_0Tensor withIntegerKernel(boolean on) {
        return new Q8_0Tensor(data, rows, cols, vectorized(), on);
    }

    @Override
    Q8_0Packed repack() {
        return new Q8_0Packed(this);
    }

    private float scale(long block) {
        return Float.float16ToFloat(data.get(SHORT_LE, block));
    }

    /**
     * The integer kernel's oracle: per block, {@code isum = sum_j q_j a_j} exactly, then
     * {@code sum += (d * a.d) * (float) isum}, each operation rounded, blocks in order.
     */
    @Override
    float integerDotScalar(int row, Q8KActivations a) {
        long base = row * rowBytes;
        float sum = 0f;
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = base + (long) b * BLOCK_BYTES;
            int isum = 0;
            for (int j = 0; j < BLOCK; j++) {
                isum += data.get(ValueLayout.JAVA_BYTE, block + 2 + j) * a.q(BLOCK * b + j);
            }
            sum += (scale(block) * a.scaleOf(BLOCK * b)) * (float) isum;
        }
        return sum;
    }

    @Override
    protected void decodeScalar(long at, float[] out, int off) {
        float d = scale(at);
        for (int j = 0; j < BLOCK; j++) {
            out[off + j] = data.get(ValueLayout.JAVA_BYTE, at + 2 + j) * d;
        }
    }

    @Override
    protected void decodeVector(long at, int count, float[] out, int off) {
        for (int blk = 0; blk < count; blk++, at += BLOCK_BYTES, off += BLOCK) {
            FloatVector dv = FloatVector.broadcast(F, scale(at));
            ByteVector q0 = ByteVector.fromMemorySegment(B16, data, at + 2, LE);
            ByteVector q1 = ByteVector.fromMemorySegment(B16, data, at + 18, LE);
            for (int p = 0; p < PARTS_PER_16; p++) {
                Simd.bytesToFloat(q0, p).mul(dv).intoArray(out, off + p * L);
                Simd.bytesToFloat(q1, p).mul(dv).intoArray(out, off + 16 + p * L);
            }
        }
    }

    // Float vector layout: the operation order of WeightTensor, each element decoded as q * d (exactly the float of
    // dequantizeRow), fused here rather than through decodeVector's buffer.

    @Override
    float floatDotVector(int row, float[] x, int xOff) {
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
