package dev.jllm.runtime.quant;

import dev.jllm.models.gguf.GgmlType;
import dev.jllm.runtime.tensor.WeightTensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bytes as ggml's reference quantizers write them, and round trips through the engine's dequantizers. */
class ReferenceQuantizerTest {

    @Test
    void q8_0RoundsHalvesAwayFromZeroWithScaleMaxOver127() {
        float[] x = new float[32];
        x[0] = -127f;
        x[1] = 0.5f;
        x[2] = -0.5f;
        x[3] = 1.5f;
        x[4] = 2.5f;
        x[5] = 126.49f;
        MemorySegment out = MemorySegment.ofArray(new byte[34]);
        ReferenceQuantizer.quantize(GgmlType.Q8_0, x, 0, 32, out, 0);
        assertThat(Float.float16ToFloat(out.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0))).isEqualTo(1f);
        assertThat(out.asSlice(2, 7).toArray(ValueLayout.JAVA_BYTE)).containsExactly(-127, 1, -1, 2, 3, 126, 0);
    }

    @Test
    void q4_0UsesTheSignedExtremeOverMinus8AndOffsetNibbles() {
        float[] x = new float[32];
        for (int j = 0; j < 16; j++) {
            x[j] = j - 8;          // -8 is the extreme: d = 1
            x[16 + j] = 7 - j;
        }
        MemorySegment out = MemorySegment.ofArray(new byte[18]);
        ReferenceQuantizer.quantize(GgmlType.Q4_0, x, 0, 32, out, 0);
        assertThat(Float.float16ToFloat(out.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0))).isEqualTo(1f);
        for (int j = 0; j < 16; j++) {
            int b = out.get(ValueLayout.JAVA_BYTE, 2 + j) & 0xff;
            assertThat(b & 15).isEqualTo(j);
            assertThat(b >> 4).isEqualTo(15 - j);
        }
    }

    @Test
    void bf16RoundsToNearestEven() {
        assertThat(ReferenceQuantizer.toBf16(Float.intBitsToFloat(0x3F808000))).isEqualTo((short) 0x3F80);
        assertThat(ReferenceQuantizer.toBf16(Float.intBitsToFloat(0x3F818000))).isEqualTo((short) 0x3F82);
        assertThat(ReferenceQuantizer.toBf16(Float.intBitsToFloat(0x3F808001))).isEqualTo((short) 0x3F81);
        assertThat(ReferenceQuantizer.toBf16(Float.NaN) & 0x7fc0).isEqualTo(0x7fc0);
    }

    @Test
    void randomRowsRoundTripWithinHalfAStepThroughTheEngineDequantizers() {
        Random rnd = new Random(5);
        int rows = 7;
        int cols = 96;
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian() * (i % 5 == 0 ? 3 : 0.2f);
        }
        for (GgmlType type : new GgmlType[]{GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0}) {
            long rowBytes = type.byteSize(cols);
            MemorySegment out = MemorySegment.ofArray(new byte[(int) (rowBytes * rows)]);
            for (int r = 0; r < rows; r++) {
                ReferenceQuantizer.quantize(type, x, r * cols, cols, out, r * rowBytes);
            }
            WeightTensor w = WeightTensor.of(type, out, rows, cols, false);
            float[] back = new float[cols];
            for (int r = 0; r < rows; r++) {
                w.dequantizeRow(r, back, 0);
                for (int b = 0; b < cols / 32; b++) {
                    float amax = 0;
                    for (int j = 0; j < 32; j++) {
                        amax = Math.max(amax, Math.abs(x[r * cols + b * 32 + j]));
                    }
                    // one quantization step (plus the fp16 rounding of the scale) bounds the error
                    float step = switch (type) {
                        case Q8_0 -> amax / 127f * 0.5f + amax * 1e-3f;
                        case Q4_0 -> amax / 8f + amax * 1e-3f;
                        case F16 -> amax * 1e-3f;
                        case BF16 -> amax * 8e-3f;
                        default -> 0f;
                    };
                    for (int j = 0; j < 32; j++) {
                        int i = b * 32 + j;
                        assertThat(Math.abs(back[i] - x[r * cols + i])).as("%s row %d col %d", type, r, i)
                                .isLessThanOrEqualTo(step);
                    }
                }
            }
        }
    }

    @Test
    void partialBlocksAndUnknownTypesAreRefused() {
        MemorySegment out = MemorySegment.ofArray(new byte[64]);
        assertThatThrownBy(() -> ReferenceQuantizer.quantize(GgmlType.Q8_0, new float[40], 0, 40, out, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("40");
        assertThatThrownBy(() -> ReferenceQuantizer.quantize(GgmlType.Q6_K, new float[256], 0, 256, out, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Q6_K");
        assertThat(ReferenceQuantizer.supports(GgmlType.Q4_0, 33)).isFalse();
        assertThat(ReferenceQuantizer.supports(GgmlType.F16, 33)).isTrue();
    }
}
