package dev.jllm.runtime.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Blocks written byte by byte from the GGUF layout, with values worked out by hand. */
class DequantizationTest {

    private static MemorySegment bytes(Arena arena, int... values) {
        MemorySegment seg = arena.allocate(values.length);
        for (int i = 0; i < values.length; i++) {
            seg.set(ValueLayout.JAVA_BYTE, i, (byte) values[i]);
        }
        return seg;
    }

    /** Dequantized row, and the dot with all-ones on both kernels (exact here: every partial sum is representable). */
    private static float[] check(WeightTensor w, int row) {
        float[] out = new float[w.cols()];
        w.dequantizeRow(row, out, 0);
        float[] ones = new float[w.cols()];
        Arrays.fill(ones, 1f);
        double sum = 0;
        for (float v : out) {
            sum += v;
        }
        assertThat((double) w.dotScalar(row, ones, 0)).isEqualTo(sum);
        assertThat((double) w.dotVector(row, ones, 0)).isEqualTo(sum);
        return out;
    }

    @Test
    void q4_0() {
        int[] block = new int[36];
        // block 0: d = 0.5 (F16 0x3800, little endian), nibbles 8 (= zero) except four bytes
        block[0] = 0x00;
        block[1] = 0x38;
        Arrays.fill(block, 2, 18, 0x88);
        block[2] = 0x9F; // element 0: lo 15 -> (15-8)*0.5 = 3.5;  element 16: hi 9 -> 0.5
        block[3] = 0x08; // element 1: lo 8 -> 0;                  element 17: hi 0 -> -4
        block[4] = 0x70; // element 2: lo 0 -> -4;                 element 18: hi 7 -> -0.5
        block[5] = 0x1E; // element 3: lo 14 -> 3;                 element 19: hi 1 -> -3.5
        // block 1: d = -0.25 (F16 0xB400); every byte 0x5A: lo 10 -> 2*-0.25 = -0.5, hi 5 -> -3*-0.25 = 0.75
        block[18] = 0x00;
        block[19] = 0xB4;
        Arrays.fill(block, 20, 36, 0x5A);
        try (Arena arena = Arena.ofConfined()) {
            WeightTensor w = WeightTensor.of(GgmlType.Q4_0, bytes(arena, block), 1, 64, true);
            float[] expected = new float[64];
            expected[0] = 3.5f;
            expected[1] = 0f;
            expected[2] = -4f;
            expected[3] = 3f;
            expected[16] = 0.5f;
            expected[17] = -4f;
            expected[18] = -0.5f;
            expected[19] = -3.5f;
            Arrays.fill(expected, 32, 48, -0.5f);
            Arrays.fill(expected, 48, 64, 0.75f);
            assertThat(check(w, 0)).containsExactly(expected);
        }
    }

    @Test
    void q8_0() {
        int[] block = new int[68];
        // row 0: d = 0.25 (F16 0x3400), q = -128, -1, 0, 1, 127, 5, -7, then zeros
        block[0] = 0x00;
        block[1] = 0x34;
        int[] q = {-128, -1, 0, 1, 127, 5, -7};
        for (int j = 0; j < q.length; j++) {
            block[2 + j] = q[j];
        }
        // row 1: d = -2 (F16 0xC000), q[j] = j - 16
        block[34] = 0x00;
        block[35] = 0xC0;
        for (int j = 0; j < 32; j++) {
            block[36 + j] = j - 16;
        }
        try (Arena arena = Arena.ofConfined()) {
            WeightTensor w = WeightTensor.of(GgmlType.Q8_0, bytes(arena, block), 2, 32, true);
            float[] row0 = new float[32];
            float[] first = {-32f, -0.25f, 0f, 0.25f, 31.75f, 1.25f, -1.75f};
            System.arraycopy(first, 0, row0, 0, first.length);
            assertThat(check(w, 0)).containsExactly(row0);
            float[] row1 = new float[32];
            for (int j = 0; j < 32; j++) {
                row1[j] = (j - 16) * -2f;
            }
            assertThat(check(w, 1)).containsExactly(row1);
        }
    }

    @Test
    void f16() {
        // 1.0, -2.0, smallest subnormal 2^-24, largest finite 65504, 0x3555 = 0.25 * (1 + 341/1024), -0.0
        int[] halves = {0x3C00, 0xC000, 0x0001, 0x7BFF, 0x3555, 0x8000};
        int[] le = new int[2 * halves.length];
        for (int i = 0; i < halves.length; i++) {
            le[2 * i] = halves[i] & 0xFF;
            le[2 * i + 1] = halves[i] >>> 8;
        }
        try (Arena arena = Arena.ofConfined()) {
            // one element per row, so that each dot is exactly its element
            WeightTensor w = WeightTensor.of(GgmlType.F16, bytes(arena, le), 6, 1, true);
            float[] expected = {1f, -2f, 0x1p-24f, 65504f, 0.33325195f, -0f};
            for (int r = 0; r < expected.length; r++) {
                assertThat(check(w, r)).containsExactly(expected[r]);
            }
            float[] negativeZero = new float[1];
            w.dequantizeRow(5, negativeZero, 0);
            assertThat(Float.floatToRawIntBits(negativeZero[0])).isEqualTo(0x80000000);
        }
    }

    @Test
    void bf16() {
        // 1.0, -3.0, 0x3EAB = 0.25 * (1 + 43/128)
        int[] le = {0x80, 0x3F, 0x40, 0xC0, 0xAB, 0x3E};
        try (Arena arena = Arena.ofConfined()) {
            WeightTensor w = WeightTensor.of(GgmlType.BF16, bytes(arena, le), 1, 3, true);
            assertThat(check(w, 0)).containsExactly(1f, -3f, 0.333984375f);
        }
    }

    @Test
    void f32() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(8);
            seg.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 0, 0x3FC00000); // 1.5
            seg.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 4, 0xC1200000); // -10
            WeightTensor w = WeightTensor.of(GgmlType.F32, seg, 1, 2, true);
            assertThat(check(w, 0)).containsExactly(1.5f, -10f);
        }
    }
}
