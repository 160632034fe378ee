package dev.jllm.runtime.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgmlType;
import java.lang.foreign.Arena;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every weight type's vector kernels against its scalar oracle, on random data of awkward sizes. */
class WeightTensorKernelsTest {

    static final GgmlType[] QUANTIZED = {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0, GgmlType.Q5_1,
            GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K, GgmlType.IQ4_NL, GgmlType.IQ4_XS};

    /** (type, rows, cols): odd row counts; odd lengths for float types, odd block counts for quantized ones. */
    static Stream<Arguments> shapes() {
        Stream.Builder<Arguments> b = Stream.builder();
        int[] rowCounts = {1, 3, 7, 13};
        for (GgmlType t : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.BF16}) {
            int[] lengths = {1, 3, 7, 15, 17, 31, 33, 63, 65, 97, 257};
            for (int i = 0; i < lengths.length; i++) {
                b.add(Arguments.of(t, rowCounts[i % rowCounts.length], lengths[i]));
            }
        }
        for (GgmlType t : QUANTIZED) {
            int[] blocks = t.blockSize() == 32 ? new int[] {1, 3, 5, 7, 9, 33} : new int[] {1, 3, 5, 11};
            for (int i = 0; i < blocks.length; i++) {
                b.add(Arguments.of(t, rowCounts[i % rowCounts.length], blocks[i] * t.blockSize()));
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void vectorDotMatchesScalarAndDequantizedOracle(GgmlType type, int rows, int cols) {
        Random rnd = new Random(31L * cols + rows + type.ordinal());
        try (Arena arena = Arena.ofConfined()) {
            WeightTensor w = floatKernel(TestTensors.random(type, rows, cols, rnd, arena, true));
            float[] x = TestTensors.randomFloats(cols + 5, rnd);
            float[] deq = new float[cols];
            for (int xOff : new int[] {0, 5}) {
                for (int r = 0; r < rows; r++) {
                    w.dequantizeRow(r, deq, 0);
                    double exact = 0;
                    double sumAbs = 0;
                    for (int i = 0; i < cols; i++) {
                        exact += (double) deq[i] * x[xOff + i];
                        sumAbs += Math.abs((double) deq[i] * x[xOff + i]);
                    }
                    double bound = TestTensors.dotErrorBound(cols, sumAbs);
                    float scalar = w.dotScalar(r, x, xOff);
                    float vector = w.dotVector(r, x, xOff);
                    assertThat((double) scalar).as("scalar row %d", r).isCloseTo(exact, org.assertj.core.data.Offset.offset(bound));
                    assertThat((double) vector).as("vector row %d", r).isCloseTo(exact, org.assertj.core.data.Offset.offset(bound));
                    assertThat(w.dot(r, x, xOff)).isEqualTo(vector);
                    assertThat(w.withVectorized(false).dot(r, x, xOff)).isEqualTo(scalar);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void vectorDotFollowsTheDocumentedOperationOrder(GgmlType type, int rows, int cols) {
        Random rnd = new Random(17L * cols + rows);
        try (Arena arena = Arena.ofConfined()) {
            WeightTensor w = floatKernel(TestTensors.random(type, rows, cols, rnd, arena, true));
            float[] x = TestTensors.randomFloats(cols + 3, rnd);
            float[] row = new float[cols];
            for (int r = 0; r < rows; r++) {
                w.dequantizeRow(r, row, 0);
                assertThat(w.dotVector(r, x, 3)).as("row %d", r).isEqualTo(contractDot(row, x, 3));
            }
        }
    }

    /**
     * The float kernels of {@code w}: the integer kernels (Q4_0, Q4_K, Q6_K) multiply quantized activations and have their
     * own exact oracle ({@link IntegerKernelTest}); their float kernels must still meet the float contract.
     */
    private static WeightTensor floatKernel(WeightTensor w) {
        return w instanceof IntegerKernelTensor q ? q.withFloatKernel() : w;
    }

    /**
     * WeightTensor's operation order written out lane by lane: the chunks fused in order into one accumulator,
     * the lane fold of Simd (i^8, i^4, i^2, i^1), then the fused scalar tail.
     */
    private static float contractDot(float[] w, float[] x, int xOff) {
        int l = Simd.L;
        float[] v = new float[l];
        int chunks = w.length / l;
        for (int c = 0; c < chunks; c++) {
            for (int j = 0; j < l; j++) {
                v[j] = Math.fma(w[c * l + j], x[xOff + c * l + j], v[j]);
            }
        }
        for (int step = 8; step >= 1; step /= 2) {
            if (step >= l) {
                continue;
            }
            float[] next = new float[l];
            for (int j = 0; j < l; j++) {
                next[j] = v[j] + v[j ^ step];
            }
            v = next;
        }
        float sum = v[0];
        for (int i = chunks * l; i < w.length; i++) {
            sum = Math.fma(w[i], x[xOff + i], sum);
        }
        return sum;
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void matmulOfAnyTokenCountEqualsPerRowDots(GgmlType type, int rows, int cols) {
        Random rnd = new Random(7L * cols + rows);
        try (Arena arena = Arena.ofConfined()) {
            for (boolean vectorized : new boolean[] {true, false}) {
                WeightTensor w = TestTensors.random(type, rows, cols, rnd, arena, vectorized);
                for (int n = 1; n <= 9; n++) {
                    float[] x = TestTensors.randomFloats(n * cols, rnd);
                    int outStride = rows + 2;
                    float[] out = new float[n * outStride];
                    int from = rows > 2 ? 1 : 0;
                    w.matmul(from, rows, x, cols, n, out, outStride);
                    for (int t = 0; t < n; t++) {
                        assertThat(out[t * outStride]).isEqualTo(from == 0 ? w.dot(0, x, t * cols) : 0f);
                        for (int r = from; r < rows; r++) {
                            assertThat(out[t * outStride + r]).as("n=%d token %d row %d", n, t, r)
                                    .isEqualTo(w.dot(r, x, t * cols));
                        }
                    }
                }
            }
        }
    }

    @Test
    void claimedMatmulEqualsTheWholeMatmulBitForBitWhoeverTakesWhichRows() throws Exception {
        // 200 rows in three parts of 64 / 64 / 72 rows, claimed 32 at a time: worker 0 alone takes its part and
        // then both others from their backs; then three threads at once, the third one late, take what they get
        Random rnd = new Random(5);
        try (Arena arena = Arena.ofShared()) {
            for (GgmlType type : new GgmlType[] {GgmlType.F32, GgmlType.F16, GgmlType.Q4_0, GgmlType.Q8_0,
                    GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.Q5_K}) {
                int rows = 200;
                int cols = 512;
                WeightTensor w = TestTensors.random(type, rows, cols, rnd, arena, true);
                for (int n : new int[] {1, 3, 4, 9}) {
                    float[] x = TestTensors.randomFloats(n * cols, rnd);
                    float[] whole = new float[n * rows];
                    w.matmul(0, rows, x, cols, n, whole, rows);
                    dev.jllm.runtime.parallel.RowClaims claims = new dev.jllm.runtime.parallel.RowClaims(3);
                    float[] alone = new float[n * rows];
                    claims.reset(rows, 32, 3);
                    w.matmulClaimed(claims, 0, x, cols, n, alone, rows);
                    assertThat(alone).as("%s n=%d, one worker", type, n).isEqualTo(whole);
                    float[] together = new float[n * rows];
                    claims.reset(rows, 1, 3);
                    Thread[] ts = new Thread[3];
                    for (int k = 0; k < 3; k++) {
                        int worker = k;
                        ts[k] = new Thread(() -> {
                            if (worker == 2) {
                                Thread.onSpinWait();
                                Thread.yield();
                            }
                            w.matmulClaimed(claims, worker, x, cols, n, together, rows);
                        });
                        ts[k].start();
                    }
                    for (Thread t : ts) {
                        t.join();
                    }
                    assertThat(together).as("%s n=%d, three workers", type, n).isEqualTo(whole);
                }
            }
        }
    }

    @Test
    void matmulOverSeveralRowTilesEqualsPerRowDots() {
        // 16384 columns make a tile of 4 rows, so 13 rows take four tiles (the last one a single row)
        Random rnd = new Random(99);
        try (Arena arena = Arena.ofConfined()) {
            for (GgmlType type : new GgmlType[] {GgmlType.Q4_0, GgmlType.F16, GgmlType.Q6_K, GgmlType.IQ4_XS, GgmlType.Q3_K}) {
                int rows = 13;
                int cols = 16384;
                WeightTensor w = TestTensors.random(type, rows, cols, rnd, arena, true);
                int n = 6;
                float[] x = TestTensors.randomFloats(n * cols, rnd);
                float[] out = new float[n * rows];
                w.matmul(0, rows, x, cols, n, out, rows);
                for (int t = 0; t < n; t++) {
                    for (int r = 0; r < rows; r++) {
                        assertThat(out[t * rows + r]).as("%s token %d row %d", type, t, r)
                                .isEqualTo(w.dotVector(r, x, t * cols));
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void vectorBlockDecodingIsBitIdenticalToTheScalarOne(GgmlType type, int rows, int cols) {
        Random rnd = new Random(5L * cols + rows);
        try (Arena arena = Arena.ofConfined()) {
            WeightTensor w = TestTensors.random(type, rows, cols, rnd, arena, true);
            float[] scalar = new float[cols + 1];
            float[] vector = new float[cols + 1];
            for (int r = 0; r < rows; r++) {
                w.dequantizeRow(r, scalar, 1);
                w.decodeRowVector(r, vector, 1);
                for (int i = 1; i <= cols; i++) {
                    assertThat(Float.floatToRawIntBits(vector[i])).as("row %d element %d", r, i - 1)
                            .isEqualTo(Float.floatToRawIntBits(scalar[i]));
                }
            }
        }
    }

    /**
     * F16 and BF16 with several tokens and rows of a multiple of {@link Simd#L} (the tile of 16-bit values converted
     * inside the 4 x 4 block): every finite value, put through the matrix product by one-hot tokens, comes out as
     * its float; random tokens give {@link FloatTensor#dotVector}'s bits for every row and token (rows and tokens
     * past the last four, and a range cutting the tile, included); rows holding an infinity or a NaN (an F16 tile
     * holding one takes the float path), and an activation too large for the F16 tokens' 2^112 scale (all tokens
     * take the float path), give them too; so does one token alone (F16: the scaled single-token dot, a row holding
     * an infinity or NaN, or a token too large, going to {@link FloatTensor#dotVector}).
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"F16", "BF16"})
    void sixteenBitMatmulConvertsEveryFiniteValueAndKeepsTheDotsBits(GgmlType type) {
        boolean bf16 = type == GgmlType.BF16;
        int specials = bf16 ? 0x7F80 : 0x7C00; // the exponent bits that make an infinity or a NaN
        int cols = 256;
        int rows = bf16 ? 254 : 250; // 65,024 or 64,000 weights: every finite pattern (F16's from the start again)
        short[] finite = new short[rows * cols];
        for (int i = 0, h = 0; i < finite.length; h++) {
            if ((h & specials) != specials) {
                finite[i++] = (short) h;
            }
        }
        Random rnd = new Random(16);
        try (Arena arena = Arena.ofConfined()) {
            WeightTensor w = sixteenBit(type, finite, rows, cols, arena);
            float[] oneHot = new float[cols * cols];
            for (int t = 0; t < cols; t++) {
                oneHot[t * cols + t] = 1f;
            }
            float[] out = new float[cols * rows];
            w.matmul(0, rows, oneHot, cols, cols, out, rows);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    short h = finite[r * cols + c];
                    float value = bf16 ? Float.intBitsToFloat(h << 16) : Float.float16ToFloat(h);
                    // + 0f: a -0 weight times the one-hot token sums to +0 with the other lanes' zeros
                    assertThat(Float.floatToRawIntBits(out[c * rows + r])).as("%s 0x%04x", type, h & 0xFFFF)
                            .isEqualTo(Float.floatToRawIntBits(value + 0f));
                }
            }
            short[] damaged = finite.clone();
            for (int r = 5; r < rows; r += 37) {
                // +inf, a NaN
                damaged[r * cols + (r * 11) % cols] = (short) (r % 2 == 0 ? specials : 0x8000 | specials | 0x40);
            }
            for (WeightTensor t : new WeightTensor[] {w, sixteenBit(type, damaged, rows, cols, arena)}) {
                int ones = 0;
                for (int n : new int[] {4, 6, 9, 5, 1, 1}) {
                    float[] x = TestTensors.randomFloats(n * cols, rnd);
                    if (n == 5) {
                        x[2 * cols + 7] = 70000f; // beyond the F16 tokens' 2^112 scale: the float tile's path
                        x[cols + 3] = 65000f; // within it
                    }
                    if (n == 1) {
                        // the first single token too large for the scaled dot (dotVector's path), the second within it
                        x[rnd.nextInt(cols)] = ones++ == 0 ? 70000f : 65000f;
                    }
                    int outStride = rows + 1;
                    float[] o = new float[n * outStride];
                    t.matmul(3, rows - 1, x, cols, n, o, outStride);
                    for (int k = 0; k < n; k++) {
                        for (int r = 3; r < rows - 1; r++) {
                            assertThat(Float.floatToIntBits(o[k * outStride + r])).as("n=%d token %d row %d", n, k, r)
                                    .isEqualTo(Float.floatToIntBits(t.dotVector(r, x, k * cols)));
                        }
                    }
                }
            }
        }
    }

    private static WeightTensor sixteenBit(GgmlType type, short[] values, int rows, int cols, Arena arena) {
        java.lang.foreign.MemorySegment data = arena.allocate(2L * values.length);
        for (int i = 0; i < values.length; i++) {
            data.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN),
                    2L * i, values[i]);
        }
        return WeightTensor.of(type, data, rows, cols, true);
    }

    @Test
    void vectorHalfConversionIsExactForAllBitPatterns() {
        short[] halves = new short[65536];
        for (int i = 0; i < halves.length; i++) {
            halves[i] = (short) i;
        }
        float[] converted = new float[Simd.L];
        for (int i = 0; i < halves.length; i += Simd.L) {
            Simd.halfToFloat(jdk.incubator.vector.ShortVector.fromArray(Simd.S_HALF, halves, i)).intoArray(converted, 0);
            for (int l = 0; l < Simd.L; l++) {
                assertThat(Float.floatToRawIntBits(converted[l])).as("half 0x%04x", i + l)
                        .isEqualTo(Float.floatToRawIntBits(Float.float16ToFloat(halves[i + l])));
            }
        }
    }

    @Test
    void unsupportedTypeIsAClearError() {
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> WeightTensor.of(GgmlType.IQ2_XXS, arena.allocate(66), 1, 256, true))
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("IQ2_XXS")
                    .hasMessageContaining("Q8_0");
        }
    }

    @Test
    void wrongGeometryIsAClearError() {
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> WeightTensor.of(GgmlType.Q4_0, arena.allocate(18 * 4), 2, 48, true))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 32");
            assertThatThrownBy(() -> WeightTensor.of(GgmlType.F32, arena.allocate(12), 2, 2, true))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 16 bytes");
        }
    }
}
