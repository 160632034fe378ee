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

/**
 * Unquantized weights, any row length: GGML F32 (little-endian IEEE floats), F16 (IEEE half floats) or BF16
 * (the top 16 bits of a float). One class for the three because only the element load differs; the width is a
 * final field: the single-token dot has one loop per width, the cold paths test it per load in {@link #w} (a
 * virtual element load per type would box the vector whenever a call site saw more than two types).
 */
public final class FloatTensor extends WeightTensor {

    private static final ValueLayout.OfShort SHORT_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final GgmlType type;
    private final boolean f32;
    private final boolean bf16;

    public FloatTensor(GgmlType type, MemorySegment data, int rows, int cols, boolean vectorized) {
        super(checked(type), data, rows, cols, vectorized);
        this.type = type;
        this.f32 = type == GgmlType.F32;
        this.bf16 = type == GgmlType.BF16;
    }

    private static GgmlType checked(GgmlType type) {
        if (type != GgmlType.F32 && type != GgmlType.F16 && type != GgmlType.BF16) {
            throw new IllegalArgumentException("FloatTensor holds F32, F16 or BF16, not " + type);
        }
        return type;
    }

    @Override
    public GgmlType type() {
        return type;
    }

    @Override
    public FloatTensor withVectorized(boolean vectorized) {
        return new FloatTensor(type, data, rows, cols, vectorized);
    }

    /** Element {@code i} of the row starting at byte {@code base}. */
    private float scalar(long base, int i) {
        if (f32) {
            return data.get(FLOAT_LE, base + 4L * i);
        }
        short h = data.get(SHORT_LE, base + 2L * i);
        return bf16 ? Float.intBitsToFloat(h << 16) : Float.float16ToFloat(h);
    }

    private ShortVector halves(long base, int i) {
        return ShortVector.fromMemorySegment(S_HALF, data, base + 2L * i, LE);
    }

    /** Elements {@code [i, i + L)} of the row starting at byte {@code base}. */
    private FloatVector w(long base, int i) {
        if (f32) {
            return FloatVector.fromMemorySegment(F, data, base + 4L * i, LE);
        }
        ShortVector h = ShortVector.fromMemorySegment(S_HALF, data, base + 2L * i, LE);
        return bf16 ? Simd.bf16ToFloat(h) : Simd.halfToFloat(h);
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

    // Vector layout: the operation order of WeightTensor (four accumulators by 16-element group, combined and
    // folded in a fixed order, then a scalar fma tail of under L elements).

    @Override
    public float dotVector(int row, float[] x, int xOff) {
        long base = row * rowBytes;
        FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
        int bound = F.loopBound(cols);
        int whole = bound & ~63;
        // one loop per width, so the hot loop has no type test in it
        if (f32) {
            for (int i = 0; i < whole; i += 64) {
                for (int k = i; k < i + 16; k += L) {
                    a0 = FloatVector.fromMemorySegment(F, data, base + 4L * k, LE).fma(FloatVector.fromArray(F, x, xOff + k), a0);
                    a1 = FloatVector.fromMemorySegment(F, data, base + 4L * (k + 16), LE).fma(FloatVector.fromArray(F, x, xOff + k + 16), a1);
                    a2 = FloatVector.fromMemorySegment(F, data, base + 4L * (k + 32), LE).fma(FloatVector.fromArray(F, x, xOff + k + 32), a2);
                    a3 = FloatVector.fromMemorySegment(F, data, base + 4L * (k + 48), LE).fma(FloatVector.fromArray(F, x, xOff + k + 48), a3);
                }
            }
        } else if (bf16) {
            for (int i = 0; i < whole; i += 64) {
                for (int k = i; k < i + 16; k += L) {
                    a0 = Simd.bf16ToFloat(halves(base, k)).fma(FloatVector.fromArray(F, x, xOff + k), a0);
                    a1 = Simd.bf16ToFloat(halves(base, k + 16)).fma(FloatVector.fromArray(F, x, xOff + k + 16), a1);
                    a2 = Simd.bf16ToFloat(halves(base, k + 32)).fma(FloatVector.fromArray(F, x, xOff + k + 32), a2);
                    a3 = Simd.bf16ToFloat(halves(base, k + 48)).fma(FloatVector.fromArray(F, x, xOff + k + 48), a3);
                }
            }
        } else {
            for (int i = 0; i < whole; i += 64) {
                for (int k = i; k < i + 16; k += L) {
                    a0 = Simd.halfToFloat(halves(base, k)).fma(FloatVector.fromArray(F, x, xOff + k), a0);
                    a1 = Simd.halfToFloat(halves(base, k + 16)).fma(FloatVector.fromArray(F, x, xOff + k + 16), a1);
                    a2 = Simd.halfToFloat(halves(base, k + 32)).fma(FloatVector.fromArray(F, x, xOff + k + 32), a2);
                    a3 = Simd.halfToFloat(halves(base, k + 48)).fma(FloatVector.fromArray(F, x, xOff + k + 48), a3);
                }
            }
        }
        // the last chunks of a row whose length is not a multiple of 64, each into its group's accumulator
        for (int i = whole; i < bound; i += L) {
            FloatVector v = w(base, i);
            FloatVector xv = FloatVector.fromArray(F, x, xOff + i);
            switch ((i >> 4) & 3) {
                case 0 -> a0 = v.fma(xv, a0);
                case 1 -> a1 = v.fma(xv, a1);
                case 2 -> a2 = v.fma(xv, a2);
                default -> a3 = v.fma(xv, a3);
            }
        }
        FloatVector a = a0.add(a1).add(a2.add(a3));
        a = a.add(a.rearrange(Simd.FOLD8, Simd.FOLD8_LANES));
        a = a.add(a.rearrange(Simd.FOLD4, Simd.FOLD4_LANES));
        a = a.add(a.rearrange(Simd.FOLD2));
        float sum = a.add(a.rearrange(Simd.FOLD1)).lane(0);
        for (int i = bound; i < cols; i++) {
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

    @Override
    public void dequantizeRow(int row, float[] out, int outOff) {
        checkRow(row);
        long base = row * rowBytes;
        if (f32) {
            MemorySegment.copy(data, FLOAT_LE, base, out, outOff, cols);
            return;
        }
        for (int i = 0; i < cols; i++) {
            out[outOff + i] = scalar(base, i);
        }
    }
}
