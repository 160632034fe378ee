package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.L;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;

/** GGML F32 weights: little-endian IEEE floats, any row length. */
public final class F32Tensor extends WeightTensor {

    private static final ValueLayout.OfFloat FLOAT_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    public F32Tensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        super(data, rows, cols, vectorized);
    }

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public F32Tensor withVectorized(boolean vectorized) {
        return new F32Tensor(data, rows, cols, vectorized);
    }

    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        long base = row * rowBytes;
        float sum = 0f;
        for (int i = 0; i < cols; i++) {
            sum += data.get(FLOAT_LE, base + 4L * i) * x[xOff + i];
        }
        return sum;
    }

    // Vector layout: the operation order of WeightTensor (one accumulator, fixed-order lane fold, then a scalar
    // fma tail of under L elements).

    @Override
    public float dotVector(int row, float[] x, int xOff) {
        long base = row * rowBytes;
        FloatVector a = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(cols); i < bound; i += L) {
            a = w(base, i).fma(FloatVector.fromArray(F, x, xOff + i), a);
        }
        a = a.add(a.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        a = a.add(a.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        a = a.add(a.rearrange(Simd.FOLD2));
        float sum = a.add(a.rearrange(Simd.FOLD1)).lane(0);
        for (; i < cols; i++) {
            sum = Math.fma(data.get(FLOAT_LE, base + 4L * i), x[xOff + i], sum);
        }
        return sum;
    }

    @Override
    public void decodeRowVector(int row, float[] out, int outOff) {
        checkRow(row);
        long base = row * rowBytes;
        int i = 0;
        for (int bound = F.loopBound(cols); i < bound; i += L) {
            w(base, i).intoArray(out, outOff + i);
        }
        for (; i < cols; i++) {
            out[outOff + i] = data.get(FLOAT_LE, base + 4L * i);
        }
    }

    private FloatVector w(long base, int i) {
        return FloatVector.fromMemorySegment(F, data, base + 4L * i, LE);
    }

    @Override
    public void dequantizeRow(int row, float[] out, int outOff) {
        checkRow(row);
        MemorySegment.copy(data, FLOAT_LE, row * rowBytes, out, outOff, cols);
    }
}
