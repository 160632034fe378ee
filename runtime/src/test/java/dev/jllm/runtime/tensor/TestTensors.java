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
            default -> {
                // random quants, then sane F16 scales where the layout keeps them (random bits could be NaN)
                int blockBytes = type.typeSize();
                for (long i = 0; i < bytes; i++) {
                    seg.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt(256));
                }
                int[] scaleOffsets = switch (type) {
                    case Q8_0, Q4_0, Q5_0, IQ4_NL, IQ4_XS -> new int[] {0};
                    case Q4_1, Q5_1, Q4_K, Q5_K -> new int[] {0, 2};
                    case Q2_K -> new int[] {80, 82};
                    case Q3_K -> new int[] {108};
                    case Q6_K -> new int[] {208};
                    default -> throw new IllegalArgumentException("no random generator for " + type);
                };
                for (long at = 0; at < bytes; at += blockBytes) {
                    for (int o : scaleOffsets) {
                        float scale = (0.001f + rnd.nextFloat() * 0.05f) * (type.blockSize() == 256 ? 0.1f : 1f);
                        seg.set(SHORT_LE, at + o, Float.floatToFloat16(scale));
                    }
                }
            }
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
        byte[] bytes = Quantizer.quantize(type, values);
        MemorySegment seg = arena.allocate(bytes.length, 64);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, seg, 0, bytes.length);
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
