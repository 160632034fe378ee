package dev.jllm.runtime.tensor;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

/** Test-only builders: random weights in each file layout, and reference quantizers (llama.cpp's "_ref" rules). */
public final class TestTensors {

    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private TestTensors() {}

    /** Random bytes of a {@code rows x cols} tensor of {@code type}, in native memory like a mapped file. */
    public static MemorySegment randomData(GgmlType type, int rows, int cols, Random rnd, Arena arena) {
        long bytes = type.byteSize((long) rows * cols);
        MemorySegment seg = arena.allocate(bytes, 64);
        switch (type) {
            case F32 -> {
                for (long i = 0; i < (long) rows * cols; i++) {
                    seg.set(FLOAT_LE, 4 * i, rnd.nextFloat() * 2 - 1);
                }
            }
            case F16 -> {
                for (long i = 0; i < (long) rows * cols; i++) {
                    // mostly ordinary weights, some subnormals to exercise the exact conversion
                    float v = rnd.nextInt(16) == 0 ? (rnd.nextFloat() - 0.5f) * 1e-5f : rnd.nextFloat() * 2 - 1;
                    seg.set(SHORT_LE, 2 * i, Float.floatToFloat16(v));
                }
            }
            case BF16 -> {
                for (long i = 0; i < (long) rows * cols; i++) {
                    seg.set(SHORT_LE, 2 * i, (short) (Float.floatToRawIntBits(rnd.nextFloat() * 2 - 1) >>> 16));
                }
            }
            case Q8_0, Q4_0 -> {
                int blockBytes = type.typeSize();
                for (long b = 0; b < bytes / blockBytes; b++) {
                    long at = b * blockBytes;
                    seg.set(SHORT_LE, at, Float.floatToFloat16(0.001f + rnd.nextFloat() * 0.05f));
                    for (int j = 2; j < blockBytes; j++) {
                        seg.set(ValueLayout.JAVA_BYTE, at + j, (byte) rnd.nextInt(256));
                    }
                }
            }
            default -> throw new IllegalArgumentException("no random generator for " + type);
        }
        return seg;
    }

    public static WeightTensor random(GgmlType type, int rows, int cols, Random rnd, Arena arena, boolean vectorized) {
        return WeightTensor.of(type, randomData(type, rows, cols, rnd, arena), rows, cols, vectorized);
    }

    public static float[] randomFloats(int n, Random rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }

    /** {@code values} (row-major, a multiple of the block size) in the file layout of {@code type}. */
    public static MemorySegment quantize(GgmlType type, float[] values, Arena arena) {
        MemorySegment seg = arena.allocate(type.byteSize(values.length), 64);
        switch (type) {
            case F32 -> MemorySegment.copy(values, 0, seg, FLOAT_LE, 0, values.length);
            case F16 -> {
                for (int i = 0; i < values.length; i++) {
                    seg.set(SHORT_LE, 2L * i, Float.floatToFloat16(values[i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < values.length; i++) {
                    // round to nearest even, as ggml's fp32 -> bf16 conversion does for finite values
                    int bits = Float.floatToRawIntBits(values[i]);
                    bits += 0x7FFF + ((bits >>> 16) & 1);
                    seg.set(SHORT_LE, 2L * i, (short) (bits >>> 16));
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < values.length / 32; b++) {
                    long at = b * 34L;
                    float amax = 0;
                    for (int j = 0; j < 32; j++) {
                        amax = Math.max(amax, Math.abs(values[b * 32 + j]));
                    }
                    float d = amax / 127f;
                    float id = d != 0 ? 1f / d : 0f;
                    seg.set(SHORT_LE, at, Float.floatToFloat16(d));
                    for (int j = 0; j < 32; j++) {
                        seg.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) Math.round(values[b * 32 + j] * id));
                    }
                }
            }
            case Q4_0 -> {
                for (int b = 0; b < values.length / 32; b++) {
                    long at = b * 18L;
                    float amax = 0;
                    float max = 0;
                    for (int j = 0; j < 32; j++) {
                        float v = values[b * 32 + j];
                        if (Math.abs(v) > amax) {
                            amax = Math.abs(v);
                            max = v;
                        }
                    }
                    float d = max / -8f;
                    float id = d != 0 ? 1f / d : 0f;
                    seg.set(SHORT_LE, at, Float.floatToFloat16(d));
                    for (int j = 0; j < 16; j++) {
                        int lo = Math.min(15, (int) (values[b * 32 + j] * id + 8.5f));
                        int hi = Math.min(15, (int) (values[b * 32 + 16 + j] * id + 8.5f));
                        seg.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) (lo | (hi << 4)));
                    }
                }
            }
            default -> throw new IllegalArgumentException("no quantizer for " + type);
        }
        return seg;
    }

    /**
     * A bound on the rounding error of a float dot product of {@code n} terms computed in any order:
     * {@code gamma(n) * sum |w_i x_i|} with {@code gamma(n) = n u / (1 - n u)}, {@code u = 2^-24}. Two such
     * computations differ by at most twice that.
     */
    public static double dotErrorBound(int n, double sumAbs) {
        double nu = (n + 2) * 0x1p-24; // +2: the block scale multiply and the final lane sum
        return 2 * nu / (1 - nu) * sumAbs + 1e-30;
    }
}
