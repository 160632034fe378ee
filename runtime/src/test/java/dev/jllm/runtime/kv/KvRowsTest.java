package dev.jllm.runtime.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Each KV element type against a scalar reference written here from the format's definition: what a stored row
 * reads back as, and the two reads attention makes (a query's dot product with a key, a weighted value added to
 * the output), scalar and Vector API, within bounds derived from the type's rounding.
 */
class KvRowsTest {

    private static final int WIDTH = 128;   // 4 heads of 32, 4 Q8_0 blocks per row
    private static final int PAGE = 8;
    private static final Random RANDOM = new Random(42);

    /** The value a stored element reads back as, by the type's definition. */
    private static float[] reference(KvType type, float[] row) {
        float[] out = new float[row.length];
        for (int b = 0; b < row.length; b += type.blockSize()) {
            float amax = 0f;
            for (int i = b; i < b + type.blockSize(); i++) {
                amax = Math.max(amax, Math.abs(row[i]));
            }
            float d = amax / 127f;
            float id = d == 0f ? 0f : 1f / d;
            float storedScale = Float.float16ToFloat(Float.floatToFloat16(d));
            for (int i = b; i < b + type.blockSize(); i++) {
                out[i] = switch (type) {
                    case F32 -> row[i];
                    case F16 -> Float.float16ToFloat(Float.floatToFloat16(row[i]));
                    // ggml's quantize_row_q8_0_ref: roundf (half away from zero) of x / d, the scale kept as F16
                    case Q8_0 -> storedScale * (row[i] < 0 ? -Math.round(-row[i] * id) : Math.round(row[i] * id));
                };
            }
        }
        return out;
    }

    /**
     * Largest error a stored element may have: F16's half ulp (half the subnormal spacing 2^-24 below 2^-14), Q8_0's
     * half step plus up to 127 times the F16 rounding of the scale.
     */
    private static double elementBound(KvType type, float[] row, int i) {
        return switch (type) {
            case F32 -> 0;
            case F16 -> Math.max(Math.abs(row[i]) * 0x1p-11, 0x1p-25);
            case Q8_0 -> {
                int b = i / 32 * 32;
                double amax = 0;
                for (int j = b; j < b + 32; j++) {
                    amax = Math.max(amax, Math.abs(row[j]));
                }
                double d = amax / 127;
                yield d / 2 + 127 * Math.max(d * 0x1p-11, 0x1p-25) + 1e-9;
            }
        };
    }

    private static float[] randomRow(float scale) {
        float[] row = new float[WIDTH];
        for (int i = 0; i < WIDTH; i++) {
            row[i] = (float) (RANDOM.nextGaussian() * scale);
        }
        row[5] = 0f;
        return row;
    }

    @ParameterizedTest
    @EnumSource(KvType.class)
    void storedRowsReadBackAsTheTypeDefinesOnEveryPositionOfAPage(KvType type) {
        for (boolean vectorized : new boolean[] {false, true}) {
            KvRows rows = KvRows.of(type, vectorized);
            assertThat(rows.type()).isEqualTo(type);
            Object page = rows.newPage(PAGE * WIDTH);
            float[][] stored = new float[PAGE][];
            for (int p = 0; p < PAGE; p++) {
                stored[p] = randomRow(p == 3 ? 1e-3f : 2f);
                rows.store(stored[p], 0, page, p * WIDTH, WIDTH);
            }
            for (int p = 0; p < PAGE; p++) {
                float[] back = new float[WIDTH];
                rows.load(page, p * WIDTH, back, 0, WIDTH);
                assertThat(back).as("%s position %d", type, p).containsExactly(reference(type, stored[p]));
                for (int i = 0; i < WIDTH; i++) {
                    assertThat((double) Math.abs(back[i] - stored[p][i])).as("%s element %d", type, i)
                            .isLessThanOrEqualTo(elementBound(type, stored[p], i));
                }
            }
            Object copy = rows.copy(page);
            rows.store(randomRow(5f), 0, page, 0, WIDTH);
            float[] fromCopy = new float[WIDTH];
            rows.load(copy, 0, fromCopy, 0, WIDTH);
            assertThat(fromCopy).as("a copy does not see later writes").containsExactly(reference(type, stored[0]));
        }
    }

    @ParameterizedTest
    @EnumSource(KvType.class)
    void dotAndAxpyOfEachHeadAgreeWithTheDecodedRowWithinFloatRounding(KvType type) {
        KvRows scalar = KvRows.of(type, false);
        KvRows vector = KvRows.of(type, true);
        Object page = scalar.newPage(PAGE * WIDTH);
        float[] row = randomRow(1.5f);
        scalar.store(row, 0, page, 2 * WIDTH, WIDTH);
        float[] decoded = reference(type, row);
        float[] q = randomRow(1f);
        for (int head = 0; head < 4; head++) {
            int at = 2 * WIDTH + head * 32;
            double exact = 0;
            double magnitude = 0;
            for (int i = 0; i < 32; i++) {
                exact += (double) q[head * 32 + i] * decoded[head * 32 + i];
                magnitude += Math.abs((double) q[head * 32 + i] * decoded[head * 32 + i]);
            }
            // float accumulation of 32 products in any order: at most 32 roundings of the running magnitude
            double rounding = 32 * 0x1p-24 * magnitude * 2;
            assertThat((double) scalar.dot(q, head * 32, page, at, 32)).isCloseTo(exact, org.assertj.core.data.Offset.offset(rounding));
            assertThat((double) vector.dot(q, head * 32, page, at, 32)).isCloseTo(exact, org.assertj.core.data.Offset.offset(rounding));

            float[] ys = randomRow(1f);
            float[] yv = ys.clone();
            float[] expected = ys.clone();
            scalar.axpy(0.37f, page, at, ys, 7, 32);
            vector.axpy(0.37f, page, at, yv, 7, 32);
            for (int i = 0; i < 32; i++) {
                double e = expected[7 + i] + 0.37 * decoded[head * 32 + i];
                double bound = 2 * 0x1p-24 * (Math.abs(expected[7 + i]) + Math.abs(0.37 * decoded[head * 32 + i]));
                assertThat((double) ys[7 + i]).isCloseTo(e, org.assertj.core.data.Offset.offset(bound));
                assertThat((double) yv[7 + i]).isCloseTo(e, org.assertj.core.data.Offset.offset(bound));
            }
        }
    }

    /**
     * The F16 vector reads are the F32 vector kernels applied to the decoded halves, bit for bit (same lane order,
     * exact conversion), for rows of ordinary values and rows with an infinity, a NaN or a subnormal in one chunk
     * (the vector loops leave their finite-only path at such a chunk), over widths with and without a scalar tail.
     */
    @Test
    void f16VectorDotAndAxpyAreTheF32KernelsOnTheDecodedHalvesBitForBitSpecialValuesIncluded() {
        KvRows f16 = KvRows.of(KvType.F16, true);
        KvRows f32 = KvRows.of(KvType.F32, true);
        float[] specials = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 0x1p-20f, -0x1p-24f, 65504f};
        for (int n : new int[] {16, 64, 100, 128}) {
            for (int kind = -1; kind < specials.length; kind++) {
                for (int where : new int[] {0, n / 2, n - 1}) {
                    float[] row = randomRow(1.5f);
                    if (kind >= 0) {
                        row[where] = specials[kind];
                    }
                    Object halves = f16.newPage(WIDTH);
                    f16.store(row, 0, halves, 0, n);
                    float[] decoded = new float[WIDTH];
                    f16.load(halves, 0, decoded, 0, n);
                    Object floats = f32.newPage(WIDTH);
                    f32.store(decoded, 0, floats, 0, n);
                    float[] q = new float[n + 3];
                    float[] y16 = new float[n + 5];
                    for (int i = 0; i < q.length; i++) {
                        q[i] = (float) RANDOM.nextGaussian();
                    }
                    for (int i = 0; i < y16.length; i++) {
                        y16[i] = (float) RANDOM.nextGaussian();
                    }
                    float[] y32 = y16.clone();
                    String what = "width " + n + (kind < 0 ? "" : ", " + specials[kind] + " at " + where);
                    assertThat(Float.floatToIntBits(f16.dot(q, 3, halves, 0, n))).as("dot, %s", what)
                            .isEqualTo(Float.floatToIntBits(f32.dot(q, 3, floats, 0, n)));
                    f16.axpy(-0.61f, halves, 0, y16, 5, n);
                    f32.axpy(-0.61f, floats, 0, y32, 5, n);
                    for (int i = 0; i < y16.length; i++) {
                        assertThat(Float.floatToIntBits(y16[i])).as("axpy element %d, %s", i, what)
                                .isEqualTo(Float.floatToIntBits(y32[i]));
                    }
                }
            }
        }
    }

    /**
     * One head's attention over 200 cached positions (scores, softmax, weighted values) read from each type against
     * the same computed from the F32 rows. The bound follows from the element bounds: a score moves by at most
     * {@code d = scale * sum |q_i| e(k_i)}, so a softmax weight by a factor within {@code exp(+-2d)} and the weights
     * together by at most {@code expm1(2d)}; an output element moves by at most {@code max|v| expm1(2d) + max e(v)}
     * (plus float rounding).
     */
    @ParameterizedTest
    @EnumSource(value = KvType.class, names = {"F16", "Q8_0"})
    void attentionOverACachedContextStaysWithinTheBoundOfTheTypesRounding(KvType type) {
        int positions = 200;
        int headDim = 32;
        float scale = (float) (1 / Math.sqrt(headDim));
        KvRows exact = KvRows.of(KvType.F32, true);
        KvRows rows = KvRows.of(type, true);
        Object[] keysF32 = new Object[positions];
        Object[] valuesF32 = new Object[positions];
        Object[] keys = new Object[positions];
        Object[] values = new Object[positions];
        double maxScoreMove = 0;
        double maxValue = 0;
        double maxValueError = 0;
        float[] q = randomRow(1f);
        for (int p = 0; p < positions; p++) {
            float[] k = randomRow(1f);
            float[] v = randomRow(1f);
            keysF32[p] = exact.newPage(WIDTH);
            valuesF32[p] = exact.newPage(WIDTH);
            keys[p] = rows.newPage(WIDTH);
            values[p] = rows.newPage(WIDTH);
            exact.store(k, 0, keysF32[p], 0, WIDTH);
            exact.store(v, 0, valuesF32[p], 0, WIDTH);
            rows.store(k, 0, keys[p], 0, WIDTH);
            rows.store(v, 0, values[p], 0, WIDTH);
            double move = 0;
            for (int i = 0; i < headDim; i++) {
                move += Math.abs(q[i]) * elementBound(type, k, i);
                maxValue = Math.max(maxValue, Math.abs(v[i]));
                maxValueError = Math.max(maxValueError, elementBound(type, v, i));
            }
            maxScoreMove = Math.max(maxScoreMove, move * scale);
        }
        float[] want = attend(exact, q, keysF32, valuesF32, scale, headDim);
        float[] got = attend(rows, q, keys, values, scale, headDim);
        double bound = maxValue * Math.expm1(2 * maxScoreMove) + maxValueError + 1e-5;
        for (int i = 0; i < headDim; i++) {
            assertThat((double) got[i]).as("%s output %d", type, i).isCloseTo(want[i], org.assertj.core.data.Offset.offset(bound));
        }
    }

    /** Attention of one head as the engine computes it: scaled scores, softmax, weighted sum of values. */
    private static float[] attend(KvRows rows, float[] q, Object[] keys, Object[] values, float scale, int headDim) {
        float[] scores = new float[keys.length];
        float max = Float.NEGATIVE_INFINITY;
        for (int p = 0; p < keys.length; p++) {
            scores[p] = rows.dot(q, 0, keys[p], 0, headDim) * scale;
            max = Math.max(max, scores[p]);
        }
        float sum = 0;
        for (int p = 0; p < keys.length; p++) {
            scores[p] = (float) Math.exp(scores[p] - max);
            sum += scores[p];
        }
        float[] out = new float[headDim];
        for (int p = 0; p < keys.length; p++) {
            rows.axpy(scores[p] / sum, values[p], 0, out, 0, headDim);
        }
        return out;
    }

    @Test
    void bytesPerPositionHalveForF16AndAreAbout0_27OfF32ForQ8_0() {
        // a TinyLlama layer: 4 KV heads of 64, keys and values
        long f32 = new KvLayout(1, 256, 256, 2048, 64, 1, KvType.F32).positionBytes();
        long f16 = new KvLayout(1, 256, 256, 2048, 64, 1, KvType.F16).positionBytes();
        long q8 = new KvLayout(1, 256, 256, 2048, 64, 1, KvType.Q8_0).positionBytes();
        assertThat(f32).isEqualTo(2048);
        assertThat(f16).isEqualTo(1024);
        assertThat(q8).isEqualTo(2 * 8 * 34);
        assertThat(new KvLayout(1, 256, 256, 2048, 64, 1, KvType.Q8_0).pageBytes()).isEqualTo(64 * 544);
    }

    @Test
    void typesParseByTheirConfigNamesAndUnknownOnesAreRefusedNamingKvType() {
        java.util.Map.of("f32", KvType.F32, " F16 ", KvType.F16, "q8_0", KvType.Q8_0, "auto", KvType.AUTO_CHOICE, "",
                KvType.AUTO_CHOICE).forEach((name, type) -> assertThat(KvType.parse(name)).as(name).isEqualTo(type));
        assertThatThrownBy(() -> KvType.parse("q4_0"))
                .hasMessage("kv_type 'q4_0' is not a KV cache type; accepted: auto, f32, f16, q8_0");
        assertThatThrownBy(() -> KvType.Q8_0.checkHeads(8, 8))
                .hasMessageContaining("kv_type q8_0 stores blocks of 32 elements, which do not divide this model's head width of 8");
        assertThatThrownBy(() -> new KvLayout(1, 48, 48, 64, 8, 1, KvType.Q8_0)).hasMessageContaining("multiples of 32");
        KvType.F16.checkHeads(8, 8);
    }
}
