package dev.jllm.models.testing;

import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Small real GGUF files for store tests: valid headers and metadata, random weights of a given size. */
public final class TestModels {
    private TestModels() {
    }

    /**
     * A GGUF of architecture {@code arch} whose one weight matrix is Q8_0 with {@code rows} rows of 4096 weights
     * (4352 bytes per row), so {@code rows = 480} gives about 2 MiB.
     */
    public static byte[] gguf(String arch, int rows, long seed) {
        byte[] weights = new byte[GgmlType.Q8_0.typeSize() * (4096 / 32) * rows];
        new Random(seed).nextBytes(weights);
        try {
            Path tmp = Files.createTempFile("jllm-test", ".gguf");
            try {
                new GgufWriter()
                        .putString("general.architecture", arch)
                        .putString("general.name", arch + " test model")
                        .addTensor("blk.0.ffn_up.weight", GgmlType.Q8_0, new long[] {4096, rows},
                                MemorySegment.ofArray(weights))
                        .addTensor("output_norm.weight", new long[] {4096}, new float[4096])
                        .write(tmp);
                return Files.readAllBytes(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
