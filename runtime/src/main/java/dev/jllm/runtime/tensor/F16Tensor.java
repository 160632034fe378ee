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

    // Same vector layout as F32Tensor: two accumulators, one extra vector, lanes in order, scalar fma tail.

    @Override
    public float dotVector(int row, float[] x, int xOff) {
        long base = row * rowBytes;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        int i = 0;
        for (int bound = cols - 2 * L; i <= bound; i += 2 * L) {
            a0 = w(base, i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
            a1 = w(base, i + L).fma(FloatVector.fromArray(F, x, xOff + i + L), a1);
        }
        if (i + L <= cols) {
            a0 = w(base, i).fma(FloatVector.fromArray(F, x, xOff + i), a0);
            i += L;
        }
        float sum = Simd.sumLanes(a0.add(a1));
        for (; i < cols; i++) {
            sum = Math.fma(scalar(base, i), x[xOff + i], sum);
        }
        return sum;
    }

    @Override
    public void dotVector4(int row, float[] x, int x0, int x1, int x2, int x3,
                           float[] out, int o0, int o1, int o2, int o3) {
        long base = row * rowBytes;
        FloatVector a00 = FloatVector.zero(F), a01 = a00, a10 = a00, a11 = a00;
        FloatVector a20 = a00, a21 = a00, a30 = a00, a31 = a00;
        int i = 0;
        for (int bound = cols - 2 * L; i <= bound; i += 2 * L) {
            FloatVector w0 = w(base, i);
            FloatVector w1 = w(base, i + L);
            a00 = w0.fma(FloatVector.fromArray(F, x, x0 + i), a00);
            a01 = w1.fma(FloatVector.fromArray(F, x, x0 + i + L), a01);
            a10 = w0.fma(FloatVector.fromArray(F, x, x1 + i), a10);
            a11 = w1.fma(FloatVector.fromArray(F, x, x1 + i + L), a11);
            a20 = w0.fma(FloatVector.fromArray(F, x, x2 + i), a20);
            a21 = w1.fma(FloatVector.fromArray(F, x, x2 + i + L), a21);
            a30 = w0.fma(FloatVector.fromArray(F, x, x3 + i), a30);
            a31 = w1.fma(FloatVector.fromArray(F, x, x3 + i + L), a31);
        }
        if (i + L <= cols) {
            FloatVector w0 = w(base, i);
            a00 = w0.fma(FloatVector.fromArray(F, x, x0 + i), a00);
            a10 = w0.fma(FloatVector.fromArray(F, x, x1 + i), a10);
            a20 = w0.fma(FloatVector.fromArray(F, x, x2 + i), a20);
            a30 = w0.fma(FloatVector.fromArray(F, x, x3 + i), a30);
            i += L;
        }
        float s0 = Simd.sumLanes(a00.add(a01));
        float s1 = Simd.sumLanes(a10.add(a11));
        float s2 = Simd.sumLanes(a20.add(a21));
        float s3 = Simd.sumLanes(a30.add(a31));
        for (; i < cols; i++) {
            float w = scalar(base, i);
            s0 = Math.fma(w, x[x0 + i], s0);
            s1 = Math.fma(w, x[x1 + i], s1);
            s2 = Math.fma(w, x[x2 + i], s2);
            s3 = Math.fma(w, x[x3 + i], s3);
        }
        out[o0] = s0;
        out[o1] = s1;
        out[o2] = s2;
        out[o3] = s3;
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
