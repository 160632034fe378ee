package dev.jllm.bench;

import dev.jllm.models.gguf.GgmlType;
import dev.jllm.runtime.tensor.IntegerKernelTensor;
import dev.jllm.runtime.tensor.Quantizer;
import dev.jllm.runtime.tensor.WeightTensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One thread multiplying a TinyLlama FFN-sized weight matrix (5632 x 2048, 11.5M weights: larger than the caches
 * for the float types, within a 32 MiB L3 for the 4-bit ones) by one activation vector ({@code tokens=1}, decode) or by a group of tokens
 * ({@code tokens=16}, prefill), per weight type. Divide the matrix's bytes by the time for the bandwidth.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar MatmulBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// native access as the launcher gives it: the float GEMM learns its buffers' alignment through the FFM linker
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class MatmulBenchmark {

    /** A weight type; Q4_0, Q4_K, Q6_K and Q8_0 run their integer kernels, {@code Q4_0_float}, {@code Q4_K_float}, {@code Q6_K_float} and {@code Q8_0_float} the float kernels. */
    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q4_K_float", "Q5_K", "Q6_K", "Q6_K_float", "Q4_0_float", "Q8_0_float",
            "IQ4_NL", "IQ4_XS"})
    public String type;

    /** Matrix rows: 5632 (TinyLlama's FFN; 4-bit types fit in L3) or e.g. 32768 (streams from memory). */
    @Param({"5632"})
    public int rows;

    @Param({"1", "16"})
    public int tokens;

    @Param({"true"})
    public boolean vectorized;

    static final int COLS = 2048;

    private Arena arena;
    private WeightTensor w;
    private float[] x;
    private float[] out;

    @Setup(Level.Trial)
    public void setup() {
        boolean floatKernel = type.endsWith("_float");
        GgmlType t = GgmlType.valueOf(floatKernel ? type.substring(0, type.length() - "_float".length()) : type);
        SplittableRandom rnd = new SplittableRandom(1);
        float[] values = new float[rows * COLS];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (rnd.nextDouble() - 0.5);
        }
        byte[] bytes = Quantizer.quantize(t, values);
        arena = Arena.ofShared();
        MemorySegment seg = arena.allocate(bytes.length, 64);
        MemorySegment.copy(MemorySegment.ofArray(bytes), 0, seg, 0, bytes.length);
        w = WeightTensor.of(t, seg, rows, COLS, vectorized);
        if (w instanceof IntegerKernelTensor k) {
            w = k.withIntegerKernel(!floatKernel); // whatever -Djllm.repack chose for the type by default
        }
        x = new float[tokens * COLS];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() - 0.5);
        }
        out = new float[tokens * rows];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float[] matmul() {
        w.matmul(0, rows, x, COLS, tokens, out, rows);
        return out;
    }
}
