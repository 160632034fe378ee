package dev.jllm.runtime.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The integer kernels of Q4_0, Q4_K and Q6_K (repacked rows, activations quantized to Q8_K): the vector kernel equals the scalar
 * oracle bit for bit, for any token count and row range; the oracle is the float dot of the dequantized weights
 * with the dequantized activations (exact integer arithmetic, float rounding only in the per-block combination);
 * and the activations follow ggml's {@code quantize_row_q8_K_ref}.
 */
class IntegerKernelTest {

    @ParameterizedTest(name = "{0} {1}x{2}")
    @CsvSource({"Q4_0,1,256", "Q4_0,17,768", "Q4_0,40,512", "Q4_0,80,512", "Q4_0,100,256", "Q8_0,80,512", "Q4_K,1,256", "Q4_K,5,768", "Q4_K,16,512", "Q4_K,17,256", "Q4_K,40,1024", "Q4_K,3,2048",
            "Q4_K,100,512", "Q6_K,1,256", "Q6_K,5,768", "Q6_K,17,512", "Q6_K,40,1024", "Q6_K,3,2048", "Q6_K,70,768",
            "Q8_0,1,256", "Q8_0,17,768", "Q8_0,40,512", "Q8_0,3,2048"})
    void vectorKernelEqualsTheScalarOracleForAnyTokenCountAndRowRange(GgmlType type, int rows, int cols) {
        Random rnd = new Random(rows * 31L + cols);
        try (Arena arena = Arena.ofConfined()) {
            WeightTensor w = integer(TestTensors.random(type, rows, cols, rnd, arena, true));
            WeightTensor scalar = w.withVectorized(false);
            // 2, 3: padded to four for the four-token path; 5, 6, 7: four and a remainder; 9, 12: decoded weights
            for (int n : new int[] {1, 2, 3, 5, 6, 7, 9, 12}) {
                float[] x = TestTensors.randomFloats(n * cols + 3, rnd);
                assertMatmulEqualsOracle(w, scalar, x, n);
                for (int r = 0; r < rows; r++) {
                    assertThat(Float.floatToRawIntBits(w.dot(r, x, 3)))
                            .isEqualTo(Float.floatToRawIntBits(scalar.dot(r, x, 3)));
                }
            }
        }
    }

    /**
     * Weights and activations at the extremes of their ranges (Q4_K: every scale, minimum and nibble at its
     * maximum; Q6_K: every scale -128 and every value -32; Q8_0: every value 127 or -128, both nibbles of
     * {@code q + 128} at 15 or 0), in some super-blocks of some rows, against activations
     * all of one magnitude: the several-token path's float sums would leave the exact range over whole
     * super-blocks, so they must be cut into narrower windows and still equal the oracle bit for bit; and the
     * decode paths (four tokens fused, one alone) must give the same bits at those extremes.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"Q4_K", "Q6_K", "Q8_0"})
    void severalTokensStayExactAtTheExtremes(GgmlType type) {
        Random rnd = new Random(11);
        int rows = 80;
        int cols = 1024;
        try (Arena arena = Arena.ofConfined()) {
            java.lang.foreign.MemorySegment data = TestTensors.randomData(type, rows, cols, rnd, arena);
            int blockBytes = type.typeSize();
            for (int r = 0; r < rows; r++) {
                for (int b = 0; b < cols / 256; b++) {
                    if ((r + b) % 3 == 0) {
                        continue; // random super-blocks between the extreme ones
                    }
                    long at = (long) (r * (cols / 256) + b) * blockBytes;
                    if (type == GgmlType.Q8_0) {
                        for (int k = 0; k < 8; k++) {
                            long block = (long) (r * (cols / 32) + b * 8 + k) * blockBytes;
                            for (int i = 0; i < 32; i++) {
                                data.set(java.lang.foreign.ValueLayout.JAVA_BYTE, block + 2 + i,
                                        (byte) ((i + r) % 3 == 0 ? -128 : 127));
                            }
                        }
                    } else if (type == GgmlType.Q4_K) {
                        data.asSlice(at + 4, 140).fill((byte) 0xFF);
                    } else {
                        // values -32 or -31 (the low bit of each nibble of ql random), scales -128 or -127: odd
                        // products, so a float sum beyond 2^24 would round
                        for (int i = 0; i < 192; i++) {
                            data.set(java.lang.foreign.ValueLayout.JAVA_BYTE, at + i, (byte) (i < 128 ? rnd.nextInt(256) & 0x11 : 0));
                        }
                        for (int j = 0; j < 16; j++) {
                            data.set(java.lang.foreign.ValueLayout.JAVA_BYTE, at + 192 + j, (byte) (0x80 + (j & 1)));
                        }
                    }
                }
            }
            WeightTensor w = integer(WeightTensor.of(type, data, rows, cols, true));
            WeightTensor scalar = w.withVectorized(false);
            float[] x = TestTensors.randomFloats(8 * cols + 3, rnd);
            for (int i = 0; i < 4 * cols; i++) {
                // two tokens of one magnitude (every value quantizes to +-127), two of one sign near it
                x[i] = i < cols ? 1f : i < 2 * cols ? -1f : 0.75f + 0.25f * rnd.nextFloat();
            }
            // 8 tokens: the decoded-weights path; 5: the fused four-token decode path and one single token
            assertMatmulEqualsOracle(w, scalar, x, 8);
            assertMatmulEqualsOracle(w, scalar, x, 5);
        }
    }

    /**
     * A damaged file's block scales (F16 infinity or NaN in some blocks of some rows): the vector kernel, alone and
     * for four tokens together (the path whose conversion leaves such super-blocks to a method of their own), gives
     * the scalar oracle's results (infinities and NaNs included, NaN payloads aside); rows without one stay finite.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"Q4_0", "Q8_0"})
    void infiniteAndNanBlockScalesGiveTheOraclesResults(GgmlType type) {
        Random rnd = new Random(23);
        int rows = 40;
        int cols = 768;
        try (Arena arena = Arena.ofConfined()) {
            java.lang.foreign.MemorySegment data = TestTensors.randomData(type, rows, cols, rnd, arena);
            int blocks = cols / 32;
            for (int r = 0; r < rows; r += 3) {
                int k = (r * 7) % blocks;
                short bits = (short) (r % 2 == 0 ? 0x7C00 : r % 5 == 0 ? 0xFC00 : 0x7E00); // +inf, -inf, NaN
                data.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN),
                        (long) (r * blocks + k) * type.typeSize(), bits);
            }
            WeightTensor w = integer(WeightTensor.of(type, data, rows, cols, true));
            WeightTensor scalar = w.withVectorized(false);
            for (int n : new int[] {1, 4, 9}) {
                float[] x = TestTensors.randomFloats(n * cols, rnd);
                float[] out = new float[n * rows];
                w.matmul(0, rows, x, cols, n, out, rows);
                for (int t = 0; t < n; t++) {
                    for (int r = 0; r < rows; r++) {
                        float expected = scalar.dot(r, x, t * cols);
                        assertThat(Float.floatToIntBits(out[t * rows + r])).as("n=%d token %d row %d", n, t, r)
                                .isEqualTo(Float.floatToIntBits(expected));
                        assertThat(Float.isFinite(expected)).as("row %d", r).isEqualTo(r % 3 != 0);
                    }
                }
                for (int r = 0; r < rows; r++) {
                    assertThat(Float.floatToIntBits(w.dot(r, x, 0)))
                            .isEqualTo(Float.floatToIntBits(scalar.dot(r, x, 0)));
                }
            }
        }
    }

    /** Every range's matmul of {@code n} tokens equals the scalar oracle's dot per token and row, bit for bit. */
    private static void assertMatmulEqualsOracle(WeightTensor w, WeightTensor scalar, float[] x, int n) {
        int rows = w.rows();
        int cols = w.cols();
        int outStride = rows + 1;
        for (int[] range : new int[][] {{0, rows}, {rows / 3, rows}, {0, Math.max(1, rows - 2)}}) {
            float[] out = new float[n * outStride];
            w.matmul(range[0], range[1], x, cols, n, out, outStride);
            for (int t = 0; t < n; t++) {
                for (int r = 0; r < rows; r++) {
                    float expected = r >= range[0] && r < range[1] ? scalar.dot(r, x, t * cols) : 0f;
                    assertThat(Float.floatToRawIntBits(out[t * outStride + r]))
                            .as("n=%d range %d..%d token %d row %d", n, range[0], range[1], t, r)
                            .isEqualTo(Float.floatToRawIntBits(expected));
                }
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"Q4_0", "Q4_K", "Q6_K", "Q8_0"})
    void oracleIsTheDotOfDequantizedWeightsAndActivations(GgmlType type) {
        Random rnd = new Random(5);
        int rows = 7;
        int cols = 1024;
        try (Arena arena = Arena.ofConfined()) {
            IntegerKernelTensor w = integer(TestTensors.random(type, rows, cols, rnd, arena, false));
            float[] x = TestTensors.randomFloats(cols, rnd);
            Q8KActivations a = w.roundVector(new Q8KActivations(), x, 0);
            float[] deq = new float[cols];
            for (int r = 0; r < rows; r++) {
                w.dequantizeRow(r, deq, 0);
                double exact = 0;
                double sumAbs = 0;
                double fromFloats = 0;
                double quantizationError = 0;
                for (int i = 0; i < cols; i++) {
                    double xa = (double) a.scaleOf(i) * a.q(i);
                    exact += deq[i] * xa;
                    sumAbs += Math.abs(deq[i] * xa);
                    fromFloats += (double) deq[i] * x[i];
                    quantizationError += Math.abs(deq[i]) * Math.abs(x[i] - xa);
                }
                float dot = w.dot(r, x, 0);
                // the integer sums are exact; what is left is float rounding of d * sc, the per-block products and
                // the block sum (a few ulps of the magnitudes involved)
                assertThat((double) dot).as("row %d", r).isCloseTo(exact,
                        org.assertj.core.data.Offset.offset(TestTensors.dotErrorBound(cols, sumAbs)));
                // and against float activations, the activations' rounding (at most half a step each) bounds it
                assertThat((double) dot).as("row %d", r).isCloseTo(fromFloats,
                        org.assertj.core.data.Offset.offset(quantizationError + TestTensors.dotErrorBound(cols, sumAbs)));
            }
        }
    }

    @Test
    void activationsFollowGgmlsQ8KReference() {
        float[] x = new float[512];
        Random rnd = new Random(9);
        for (int i = 0; i < 256; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        x[17] = -4f;
        x[40] = 4f; // equal magnitude later: the first one (negative) sets the sign of d
        Q8KActivations a = new Q8KActivations().quantize(x, 0, 512);
        assertThat(a.scale(0)).isEqualTo(1 / (-127f / -4f));
        assertThat(a.q(17)).isEqualTo(-127);
        assertThat(a.q(40)).isEqualTo(127);
        int sum = 0;
        for (int i = 0; i < 256; i++) {
            assertThat(a.q(i)).isBetween(-127, 127).isEqualTo(Math.min(127, (int) Math.rint(x[i] * (-127f / -4f))));
            sum += a.q(i);
            if (i % 32 == 31) {
                assertThat(a.subSum(i / 32)).isEqualTo(sum);
                sum = 0;
            }
        }
        // an all-zero block: scale 0, values 0
        assertThat(a.scale(1)).isZero();
        for (int i = 256; i < 512; i++) {
            assertThat(a.q(i)).isZero();
        }
    }

    @Test
    void blockActivationsFollowGgmlsQ8_0() {
        float[] x = new float[512];
        Random rnd = new Random(9);
        for (int i = 0; i < 256; i++) {
            x[i] = (float) rnd.nextGaussian() * (1 + i / 32);
        }
        x[17] = -6f; // the block's largest magnitude: q = -127
        x[40] = 3f;
        x[41] = -3f;
        Q8KActivations a = new Q8KActivations().quantize32(x, 0, 512);
        assertThat(a.scaleOf(0)).isEqualTo(6f / 127f);
        assertThat(a.q(17)).isEqualTo(-127);
        for (int s = 0; s < 8; s++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[32 * s + j]));
            }
            assertThat(a.scaleOf(32 * s + 31)).as("sub-block %d", s).isEqualTo(amax / 127f);
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                int i = 32 * s + j;
                assertThat(a.q(i)).as("value %d", i).isBetween(-127, 127)
                        .isEqualTo((int) Math.rint(x[i] * (127f / amax)));
                sum += a.q(i);
            }
            assertThat(a.subSum(s)).isEqualTo(sum);
        }
        assertThat(a.q(40)).isEqualTo(-a.q(41));
        // an all-zero block: scale 0, values 0; the per-256 scale is not this form's (NaN)
        assertThat(a.scaleOf(300)).isZero();
        assertThat(a.q(300)).isZero();
        assertThat(a.scale(0)).isNaN();
    }

    @ParameterizedTest(name = "per 32 values: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void vectorQuantizationEqualsTheScalarOne(boolean per32) {
        Random rnd = new Random(13);
        int blocks = 12;
        float[] x = new float[blocks * 256 + 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian() * (1 + rnd.nextInt(100));
        }
        // block 1: ties (max 127 makes the scale -1, or 1 per 32 values, so every x.5 is a tie rounded to even)
        for (int i = 256; i < 512; i++) {
            x[5 + i] = (rnd.nextInt(254) - 127) / 2f;
        }
        for (int i = 256; i < 512; i += 32) {
            x[5 + i + 7] = 127f;
        }
        // block 2: zeros; block 3: the largest magnitude twice, positive first; block 4: NaN; block 5: infinity;
        // block 6: subnormals; block 7: one value; block 8: values so small that 127 / max overflows
        java.util.Arrays.fill(x, 5 + 512, 5 + 768, 0f);
        x[5 + 800] = 3e4f;
        x[5 + 900] = -3e4f;
        x[5 + 1100] = Float.NaN;
        x[5 + 1300] = Float.NEGATIVE_INFINITY;
        for (int i = 1536; i < 1792; i++) {
            x[5 + i] = Float.MIN_VALUE * rnd.nextInt(1000);
        }
        java.util.Arrays.fill(x, 5 + 1792, 5 + 2048, 0f);
        x[5 + 1900] = -0.001f;
        for (int i = 2048; i < 2304; i++) {
            x[5 + i] = (float) rnd.nextGaussian() * 1e-37f;
        }
        int cols = blocks * 256;
        Q8KActivations vector = per32 ? new Q8KActivations().quantize32(x, 5, cols)
                : new Q8KActivations().quantize(x, 5, cols);
        Q8KActivations scalar = per32 ? new Q8KActivations().quantize32Scalar(x, 5, cols)
                : new Q8KActivations().quantizeScalar(x, 5, cols);
        for (int b = 0; b < blocks; b++) {
            assertThat(Float.floatToRawIntBits(vector.scale(b))).as("block %d", b)
                    .isEqualTo(Float.floatToRawIntBits(scalar.scale(b)));
        }
        for (int i = 0; i < cols; i++) {
            assertThat(vector.q(i)).as("value %d", i).isEqualTo(scalar.q(i));
            assertThat(Float.floatToRawIntBits(vector.values[i])).as("value %d", i)
                    .isEqualTo(Float.floatToRawIntBits(scalar.values[i]));
            assertThat(Float.floatToRawIntBits(vector.scaleOf(i))).as("scale of value %d", i)
                    .isEqualTo(Float.floatToRawIntBits(scalar.scaleOf(i)));
        }
        for (int s = 0; s < blocks * 8; s++) {
            assertThat(vector.subSum(s)).isEqualTo(scalar.subSum(s));
            assertThat(vector.subSums[s]).isEqualTo(scalar.subSums[s]);
        }
        if (per32) {
            // NaN and infinity give a NaN scale (the result is NaN, as a float product would be); values too small
            // for 127 / max give a zero block
            assertThat(vector.scaleOf(1100 - 5 + 5)).isNaN();
            assertThat(vector.scaleOf(1300)).isNaN();
            assertThat(vector.scaleOf(2100)).isZero();
            assertThat(vector.q(2100)).isZero();
        }
    }

    /** The tensor with its integer kernel, whatever {@code -Djllm.repack} says. */
    /**
     * Every repacked copy starts {@link PackedRows#PAGE_OFFSET} bytes past a page boundary, small or large: decoding
     * speed depends on that placement (page-aligned copies decoded Q8_0 at about half the speed), which malloc only
     * happened to give large blocks.
     */
    @ParameterizedTest(name = "{0} {1}x{2}")
    @CsvSource({"Q4_0,16,256", "Q4_0,512,2048", "Q4_K,16,256", "Q4_K,512,2048", "Q6_K,16,256", "Q6_K,512,2048",
            "Q8_0,16,256", "Q8_0,512,2048"})
    void repackedCopiesStartAtTheMeasuredPageOffset(GgmlType type, int rows, int cols) {
        try (Arena arena = Arena.ofConfined()) {
            IntegerKernelTensor w = integer(TestTensors.random(type, rows, cols, new Random(5), arena, true));
            for (int i = 0; i < 3; i++) {
                PackedRows copy = w.repack();
                assertThat(copy.packed.address() % 4096).isEqualTo(PackedRows.PAGE_OFFSET);
                assertThat(copy.packed.byteSize()).isEqualTo(copy.at((rows + PackedRows.G - 1) / PackedRows.G, 0));
            }
        }
    }

    private static IntegerKernelTensor integer(WeightTensor w) {
        return ((IntegerKernelTensor) w).withIntegerKernel(true);
    }
}
