package dev.jllm.bench;

import dev.jllm.models.gguf.GgmlType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/**
 * Random weight matrices written straight into a GGUF file in a quantized layout, row after row, so a model of
 * a billion parameters is produced without holding it in memory. Values are spread so that each output of a
 * matrix has roughly unit variance for unit-variance inputs ({@code std = 1/sqrt(cols)}): activations stay
 * finite through any depth, which is all a throughput benchmark needs of them.
 *
 * <p>Layouts (ggml's): Q4_0 blocks of 32 are an F16 scale then 16 bytes, element {@code j} in the low nibble of
 * byte {@code j} and element {@code j + 16} in the high one, value {@code (q - 8) * d}; Q8_0 blocks are an F16
 * scale then 32 signed bytes; F32 is plain little-endian floats.
 */
final class RandomWeights {
    private static final int BLOCK = 32;

    private RandomWeights() {
    }

    /**
     * A writer for a {@code rows x cols} matrix of {@code type}; rows for which {@code zeroRow} holds are all zero
     * (the synthetic model uses it so that end-of-generation tokens never win a greedy pick).
     */
    static dev.jllm.models.gguf.GgufWriter.TensorSource matrix(GgmlType type, int rows, int cols, long seed,
                                                               IntPredicate zeroRow) {
        return (out, position, byteSize) -> {
            SplittableRandom random = new SplittableRandom(seed);
            long rowBytes = type.byteSize(cols);
            int rowsPerChunk = (int) Math.max(1, (1 << 20) / rowBytes);
            ByteBuffer chunk = ByteBuffer.allocate((int) (rowsPerChunk * rowBytes)).order(ByteOrder.LITTLE_ENDIAN);
            float std = (float) (1 / Math.sqrt(cols));
            long pos = position;
            for (int r0 = 0; r0 < rows; r0 += rowsPerChunk) {
                chunk.clear();
                int r1 = Math.min(rows, r0 + rowsPerChunk);
                for (int r = r0; r < r1; r++) {
                    row(type, chunk, cols, zeroRow.test(r) ? 0 : std, random);
                }
                chunk.flip();
                while (chunk.hasRemaining()) {
                    pos += out.write(chunk, pos);
                }
            }
            if (pos - position != byteSize) {
                throw new IOException("wrote " + (pos - position) + " bytes of a " + byteSize + "-byte tensor");
            }
        };
    }

    private static void row(GgmlType type, ByteBuffer out, int cols, float std, SplittableRandom random) {
        switch (type) {
            case Q4_0 -> {
                // uniform nibbles: (q - 8) has a standard deviation of about 4.6
                short d = Float.floatToFloat16(std / 4.6f);
                for (int b = 0; b < cols / BLOCK; b++) {
                    out.putShort(d);
                    for (int i = 0; i < 2; i++) {
                        out.putLong(random.nextLong());
                    }
                }
            }
            case Q8_0 -> {
                // uniform bytes: a standard deviation of about 73.9
                short d = Float.floatToFloat16(std / 73.9f);
                for (int b = 0; b < cols / BLOCK; b++) {
                    out.putShort(d);
                    for (int i = 0; i < 4; i++) {
                        out.putLong(random.nextLong());
                    }
                }
            }
            case F32 -> {
                for (int c = 0; c < cols; c++) {
                    out.putFloat((float) random.nextGaussian() * std);
                }
            }
            default -> throw new IllegalArgumentException("synthetic weights are F32, Q8_0 or Q4_0, not " + type);
        }
    }
}
