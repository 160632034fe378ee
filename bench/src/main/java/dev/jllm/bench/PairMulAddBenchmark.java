package dev.jllm.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue #18's question, measured: does HotSpot's pairwise multiply-add idiom over {@code short[]}
 * ({@code a[2i]*b[2i] + a[2i+1]*b[2i+1]}, C2's {@code MulAddS2I}: {@code vpmaddwd}, or VNNI's {@code vpdpwssd})
 * beat the Vector API's float FMA for int8-range weights times int8-range activations? One thread, 512 rows of
 * 2048 values times 4 tokens, all in L2/L3 (the compute side, not memory), each op one whole pass; compare the
 * three in one run. {@code pairsReduced} is the idiom as a sum (a reduction), {@code pairsStored} writes each pair's
 * sum to an {@code int[]} and adds that up with the Vector API, {@code floatFma} is the float kernels' arithmetic.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar PairMulAddBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PairMulAddBenchmark {

    private static final int K = 2048;
    private static final int ROWS = 512;
    private static final int TOKENS = 4;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;

    private short[] weights;
    private short[] activations;
    private float[] weightFloats;
    private float[] activationFloats;
    private final int[] pairs = new int[K / 2];

    @Setup
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(1);
        weights = new short[ROWS * K];
        weightFloats = new float[ROWS * K];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (short) (rnd.nextInt(255) - 127);
            weightFloats[i] = weights[i];
        }
        activations = new short[TOKENS * K];
        activationFloats = new float[TOKENS * K];
        for (int i = 0; i < activations.length; i++) {
            activations[i] = (short) (rnd.nextInt(255) - 127);
            activationFloats[i] = activations[i];
        }
    }

    @Benchmark
    public long pairsReduced() {
        long sum = 0;
        for (int row = 0; row < ROWS; row++) {
            for (int t = 0; t < TOKENS; t++) {
                int off = row * K;
                int aOff = t * K;
                int s = 0;
                for (int i = 0; i < K / 2; i++) {
                    s += weights[off + 2 * i] * activations[aOff + 2 * i]
                            + weights[off + 2 * i + 1] * activations[aOff + 2 * i + 1];
                }
                sum += s;
            }
        }
        return sum;
    }

    @Benchmark
    public long pairsStored() {
        long sum = 0;
        int[] o = pairs;
        for (int row = 0; row < ROWS; row++) {
            for (int t = 0; t < TOKENS; t++) {
                int off = row * K;
                int aOff = t * K;
                for (int i = 0; i < K / 2; i++) {
                    o[i] = weights[off + 2 * i] * activations[aOff + 2 * i]
                            + weights[off + 2 * i + 1] * activations[aOff + 2 * i + 1];
                }
                IntVector acc = IntVector.zero(I);
                for (int i = 0; i < K / 2; i += I.length()) {
                    acc = acc.add(IntVector.fromArray(I, o, i));
                }
                sum += acc.reduceLanes(VectorOperators.ADD);
            }
        }
        return sum;
    }

    @Benchmark
    public double floatFma() {
        double sum = 0;
        for (int row = 0; row < ROWS; row++) {
            for (int t = 0; t < TOKENS; t++) {
                FloatVector acc = FloatVector.zero(F);
                for (int i = 0; i < K; i += F.length()) {
                    acc = FloatVector.fromArray(F, weightFloats, row * K + i)
                            .fma(FloatVector.fromArray(F, activationFloats, t * K + i), acc);
                }
                sum += acc.reduceLanes(VectorOperators.ADD);
            }
        }
        return sum;
    }
}
