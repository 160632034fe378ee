package dev.jllm.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The core's own ceiling for the kernels' arithmetic, so that a kernel's rate can be read as a fraction of it: one
 * thread, registers only (no loads), enough independent chains to hide the latency. {@code fma}: twelve chains of
 * preferred-width float fused multiply-adds; {@code mulAdd16}: eight chains of a 16-bit multiply and add (the
 * integer kernels' step). Scores are nanoseconds per vector step (one FMA, or one multiply and one add, over a
 * whole vector): lanes / score is the G multiply-adds per second of one core (16 float or 32 short lanes at 512 bits). Zen 4 issues one 512-bit FMA per cycle, Zen 5 two, so the same VM image can measure twice
 * the ceiling on another host (bench/README.md, "Machine").
 *
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar PeakRateBenchmark</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PeakRateBenchmark {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED;
    private static final int STEPS = 1 << 16;

    /** Values near 1 (floats) and small (shorts), so that no chain overflows or goes subnormal. */
    private final float[] floats = new float[2 * F.length()];
    private final short[] shorts = new short[2 * S.length()];

    public PeakRateBenchmark() {
        java.util.Arrays.fill(floats, 0.999f);
        java.util.Arrays.fill(shorts, (short) 3);
    }

    @Benchmark
    @OperationsPerInvocation(STEPS * 12)
    public float fma() {
        FloatVector m = FloatVector.fromArray(F, floats, 0), c = FloatVector.fromArray(F, floats, F.length());
        FloatVector a0 = m, a1 = c, a2 = m.add(1), a3 = c.add(1), a4 = m.add(2), a5 = c.add(2), a6 = m.add(3),
                a7 = c.add(3), a8 = m.add(4), a9 = c.add(4), a10 = m.add(5), a11 = c.add(5);
        for (int i = 0; i < STEPS; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
            a10 = a10.fma(m, c);
            a11 = a11.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    @Benchmark
    @OperationsPerInvocation(STEPS * 8)
    public short mulAdd16() {
        ShortVector m = ShortVector.fromArray(S, shorts, 0), c = ShortVector.fromArray(S, shorts, S.length());
        ShortVector a0 = m, a1 = c, a2 = m.add((short) 1), a3 = c.add((short) 1), a4 = m.add((short) 2),
                a5 = c.add((short) 2), a6 = m.add((short) 3), a7 = c.add((short) 3);
        for (int i = 0; i < STEPS; i++) {
            a0 = a0.add(a0.mul(m));
            a1 = a1.add(a1.mul(m));
            a2 = a2.add(a2.mul(m));
            a3 = a3.add(a3.mul(m));
            a4 = a4.add(a4.mul(m));
            a5 = a5.add(a5.mul(m));
            a6 = a6.add(a6.mul(m));
            a7 = a7.add(a7.mul(m));
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).reduceLanes(VectorOperators.ADD);
    }
}
