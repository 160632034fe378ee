package dev.jllm.runtime.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Quantize then dequantize: every value within the type's step of the original. */
class QuantizerTest {

    @ParameterizedTest
    @EnumSource(names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K",
            "Q6_K", "IQ4_NL", "IQ4_XS"})
    void roundTripErrorIsWithinTheQuantizationStep(GgmlType type) {
        Random rnd = new Random(type.ordinal());
        int cols = 3 * 256;
        int rows = 5;
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) rnd.nextGaussian() * (1 + i % 7);
        }
        byte[] bytes = Quantizer.quantize(type, values);
        assertThat((long) bytes.length).isEqualTo(type.byteSize(values.length));
        WeightTensor w = WeightTensor.of(type, MemorySegment.ofArray(bytes), rows, cols, false);
        // relative error per block range: 2^-(bits) of the block's largest magnitude, with slack for the
        // rounding of 6-bit sub-block scales in the k-quants
        double rel = switch (type) {
            case F32 -> 0;
            case F16 -> 1e-3;
            case BF16 -> 8e-3;
            case Q8_0 -> 1.0 / 127;
            case Q4_0 -> 1.0 / 8;
            case Q4_1 -> 1.0 / 15;
            case Q5_0 -> 1.0 / 16;
            case Q5_1 -> 1.0 / 31;
            case Q2_K -> 0.5; // 3 steps over 16 elements' range, 4-bit sub-block scales and minimums
            case Q3_K -> 1.0 / 4 + 1.0 / 32; // a full step (3 is the top value) plus the 6-bit scale's rounding
            case Q4_K -> 2.0 / 15;
            case Q5_K -> 2.0 / 31;
            case Q6_K -> 2.0 / 32;
            // the table's widest gap is 24 of its 240 range: half of it is 0.1 of the block's largest magnitude;
            // slack for a least-squares scale that trades a little of the largest element for the others
            case IQ4_NL, IQ4_XS -> 1.0 / 8;
            default -> throw new AssertionError(type);
        };
        float[] row = new float[cols];
        int block = type.blockSize() == 1 ? 32 : type.blockSize();
        double sumSq = 0;
        double errSq = 0;
        for (int r = 0; r < rows; r++) {
            w.dequantizeRow(r, row, 0);
            for (int b = 0; b < cols; b += block) {
                double amax = 0;
                for (int j = 0; j < block; j++) {
                    amax = Math.max(amax, Math.abs(values[r * cols + b + j]));
                }
                for (int j = 0; j < block; j++) {
                    double v = values[r * cols + b + j];
                    double err = Math.abs(row[b + j] - v);
                    assertThat(err).as("%s row %d element %d", type, r, b + j).isLessThanOrEqualTo(bound(rel, amax, type));
                    sumSq += v * v;
                    errSq += err * err;
                }
            }
        }
        System.out.printf("%s round-trip relative RMS error %.5f%n", type, Math.sqrt(errSq / sumSq));
    }

    /**
     * Half a step of the block's range is {@code rel * amax}; quantized types add the rounding of their F16
     * scale and minimum (each at most 2^-11 relative, times quants of up to the block's range: 2^-10 * amax).
     */
    private static double bound(double rel, double amax, GgmlType type) {
        return type.isQuantized() ? rel * amax + 0x1p-10 * amax + 1e-6 : rel * amax + 1e-6;
    }

    @ParameterizedTest
    @EnumSource(names = {"Q8_1", "IQ2_XXS"})
    void unsupportedTypeIsAClearError(GgmlType type) {
        assertThatThrownBy(() -> Quantizer.quantize(type, new float[256]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no quantizer for " + type);
    }

    @ParameterizedTest
    @EnumSource(names = {"Q4_0", "Q4_K"})
    void partialBlockIsAClearError(GgmlType type) {
        assertThatThrownBy(() -> Quantizer.quantize(type, new float[40]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of");
    }

    // ggml's reference bytes (quantize_row_q8_0_ref / quantize_row_q4_0_ref / ggml_compute_fp32_to_bf16)

    @Test
    void q8_0RoundsHalvesAwayFromZeroWithScaleMaxOver127() {
        float[] x = new float[32];
        x[0] = -127f;
        x[1] = 0.5f;
        x[2] = -0.5f;
        x[3] = 1.5f;
        x[4] = 2.5f;
        x[5] = 126.49f;
        byte[] out = Quantizer.quantize(GgmlType.Q8_0, x);
        assertThat(Float.float16ToFloat((short) ((out[0] & 0xFF) | out[1] << 8))).isEqualTo(1f);
        assertThat(java.util.Arrays.copyOfRange(out, 2, 9)).containsExactly(-127, 1, -1, 2, 3, 126, 0);
    }

    @Test
    void q4_0UsesTheSignedExtremeOverMinus8AndOffsetNibbles() {
        float[] x = new float[32];
        for (int j = 0; j < 16; j++) {
            x[j] = j - 8; // -8 is the extreme: d = 1
            x[16 + j] = 7 - j;
        }
        byte[] out = Quantizer.quantize(GgmlType.Q4_0, x);
        assertThat(Float.float16ToFloat((short) ((out[0] & 0xFF) | out[1] << 8))).isEqualTo(1f);
        for (int j = 0; j < 16; j++) {
            int b = out[2 + j] & 0xFF;
            assertThat(b & 15).isEqualTo(j);
            assertThat(b >> 4).isEqualTo(15 - j);
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertThat(Quantizer.toBf16(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80);
        assertThat(Quantizer.toBf16(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82);
        assertThat(Quantizer.toBf16(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
        assertThat(Quantizer.toBf16(Float.NaN) & 0x7FC0).isEqualTo(0x7FC0);
    }

    @Test
    void supportsNeedsAKernelTypeAndWholeBlocks() {
        assertThat(Quantizer.supports(GgmlType.Q4_0, 33)).isFalse();
        assertThat(Quantizer.supports(GgmlType.Q4_0, 64)).isTrue();
        assertThat(Quantizer.supports(GgmlType.F16, 33)).isTrue();
        assertThat(Quantizer.supports(GgmlType.Q6_K, 64)).isFalse();
        assertThat(Quantizer.supports(GgmlType.IQ2_XXS, 256)).isFalse();
    }
}
