package dev.jllm.runtime.tensor;

import static dev.jllm.runtime.tensor.Simd.F;
import static dev.jllm.runtime.tensor.Simd.L;
import static dev.jllm.runtime.tensor.Simd.S_HALF;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;

/** GGML F16 weights: little-endian IEEE half floats, any row length. */
public final class F16Tensor extends WeightTensor {

    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    public F16Tensor(MemorySegment data, int rows, int cols, boolean vectorized) {
        super(data, rows, cols, vectorized);
    }

    @Override
    public GgmlType type() {
        return GgmlType.F16;
    }

    @Override
    public F16Tensor withVectorized(boolean vectorized) {
        return new F16Tensor(data, rows, cols, vectorized);
    }

    private float scalar(long base, int i) {
        return Float.float16ToFloat(data.get(SHORT_LE, base + 2L * i));
    }

    @Override
    public float dotScalar(int row, float[] x, int xOff) {
        long base = row * rowBytes;
        float sum = 0f;
        for (int i = 0; i < cols; i++) {
            sum += scalar(base, i) * x[xOff + i];
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
            sum = Math.fma(scalar(base, i), x[xOff + i], sum);
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
            out[outOff + i] = scalar(base, i);
        }
    }

    private FloatVector w(long base, int i) {
        return Simd.halfToFloat(ShortVector.fromMemorySegment(S_HALF, data, base + 2L * i, LE));
    }

    @Override
    public void dequantizeRow(int row, float[] out, int outOff) {
        checkRow(row);
        long base = row * rowBytes;
        for (int i = 0; i < cols; i++) {
            out[outOff + i] = scalar(base, i);
        }
    }
}
