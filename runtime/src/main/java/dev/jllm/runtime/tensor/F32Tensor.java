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

    // Vector layout (shared by dotVector and dotVector4): one accumulator per token over whole vectors, the lanes
    // summed by a fixed tree, then a scalar fma tail of under L elements. One accumulator per token keeps the
    // four-token kernel's live vectors few enough for C2 to keep them in registers (more made it box them).

    @Override
    public float dotVector(int row, float[] x, int xOff) {
        long base = row * rowBytes;
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (int bound = F.loopBound(cols); i < bound; i += L) {
            acc = w(base, i).fma(FloatVector.fromArray(F, x, xOff + i), acc);
        }
        acc = acc.add(acc.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        acc = acc.add(acc.rearrange(Simd.FOLD2));
        float sum = acc.add(acc.rearrange(Simd.FOLD1)).lane(0);
        for (; i < cols; i++) {
            sum = Math.fma(data.get(FLOAT_LE, base + 4L * i), x[xOff + i], sum);
        }
        return sum;
    }

    @Override
    public void dotVector4(int row, float[] x, int x0, int x1, int x2, int x3,
                           float[] out, int o0, int o1, int o2, int o3) {
        long base = row * rowBytes;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int bound = F.loopBound(cols); i < bound; i += L) {
            FloatVector w = w(base, i);
            a0 = w.fma(FloatVector.fromArray(F, x, x0 + i), a0);
            a1 = w.fma(FloatVector.fromArray(F, x, x1 + i), a1);
            a2 = w.fma(FloatVector.fromArray(F, x, x2 + i), a2);
            a3 = w.fma(FloatVector.fromArray(F, x, x3 + i), a3);
        }
        a0 = a0.add(a0.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        a0 = a0.add(a0.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        a0 = a0.add(a0.rearrange(Simd.FOLD2));
        float s0 = a0.add(a0.rearrange(Simd.FOLD1)).lane(0);
        a1 = a1.add(a1.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        a1 = a1.add(a1.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        a1 = a1.add(a1.rearrange(Simd.FOLD2));
        float s1 = a1.add(a1.rearrange(Simd.FOLD1)).lane(0);
        a2 = a2.add(a2.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        a2 = a2.add(a2.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        a2 = a2.add(a2.rearrange(Simd.FOLD2));
        float s2 = a2.add(a2.rearrange(Simd.FOLD1)).lane(0);
        a3 = a3.add(a3.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        a3 = a3.add(a3.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        a3 = a3.add(a3.rearrange(Simd.FOLD2));
        float s3 = a3.add(a3.rearrange(Simd.FOLD1)).lane(0);
        for (; i < cols; i++) {
            float w = data.get(FLOAT_LE, base + 4L * i);
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
        return FloatVector.fromMemorySegment(F, data, base + 4L * i, LE);
    }

    @Override
    public void dequantizeRow(int row, float[] out, int outOff) {
        checkRow(row);
        MemorySegment.copy(data, FLOAT_LE, row * rowBytes, out, outOff, cols);
    }
}
