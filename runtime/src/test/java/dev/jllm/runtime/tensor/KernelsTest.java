package dev.jllm.runtime.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The vector operations against the scalar reference, and the reference against the textbook formulas. */
class KernelsTest {

    private static final Kernels SCALAR = Kernels.of(false);
    private static final Kernels VECTOR = Kernels.of(true);

    private static float[] random(int n, Random rnd, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (rnd.nextFloat() * 2 - 1) * scale;
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 255, 1027})
    void dotAxpyAdd(int n) {
        Random rnd = new Random(n);
        float[] a = random(n + 3, rnd, 1);
        float[] b = random(n + 1, rnd, 1);
        double sumAbs = 0;
        double exact = 0;
        for (int i = 0; i < n; i++) {
            exact += (double) a[3 + i] * b[1 + i];
            sumAbs += Math.abs((double) a[3 + i] * b[1 + i]);
        }
        double bound = TestTensors.dotErrorBound(n, sumAbs);
        assertThat((double) SCALAR.dot(a, 3, b, 1, n)).isCloseTo(exact, within(bound));
        assertThat((double) VECTOR.dot(a, 3, b, 1, n)).isCloseTo(exact, within(bound));

        float[] y0 = random(n + 2, rnd, 1);
        float[] y1 = y0.clone();
        float[] y2 = y0.clone();
        SCALAR.axpy(0.37f, a, 3, y1, 2, n);
        VECTOR.axpy(0.37f, a, 3, y2, 2, n);
        for (int i = 0; i < n; i++) {
            double expected = y0[2 + i] + (double) 0.37f * a[3 + i];
            // a multiply and an add (scalar) or one fma (vector): within a rounding of the product and of the sum
            double roundings = Math.ulp(0.37f * a[3 + i]) + Math.ulp((float) expected);
            assertThat((double) y1[2 + i]).isCloseTo(expected, within(roundings));
            assertThat((double) y2[2 + i]).isCloseTo(expected, within(roundings));
        }
        assertThat(y1[0]).isEqualTo(y0[0]);
        assertThat(y2[1]).isEqualTo(y0[1]);
        float[] z1 = random(n, rnd, 1);
        float[] z2 = z1.clone();
        SCALAR.add(b, 1, z1, 0, n);
        VECTOR.add(b, 1, z2, 0, n);
        assertThat(z2).containsExactly(z1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 255, 1027})
    void rmsnorm(int n) {
        Random rnd = new Random(100 + n);
        float[] x = random(n + 2, rnd, 3);
        float[] w = random(n, rnd, 2);
        float[] s = new float[n + 1];
        float[] v = new float[n + 1];
        SCALAR.rmsnorm(s, 1, x, 2, w, n, 1e-5f);
        VECTOR.rmsnorm(v, 1, x, 2, w, n, 1e-5f);
        double ss = 0;
        for (int i = 0; i < n; i++) {
            ss += (double) x[2 + i] * x[2 + i];
        }
        double scale = 1 / Math.sqrt(ss / n + 1e-5);
        for (int i = 0; i < n; i++) {
            double exact = x[2 + i] * scale * w[i];
            assertThat((double) s[1 + i]).isCloseTo(exact, within(1e-6 * Math.abs(exact) + 1e-30));
            assertThat((double) v[1 + i]).isCloseTo(exact, within(1e-6 * Math.abs(exact) + 1e-30));
        }
        // in place
        float[] inPlace = x.clone();
        VECTOR.rmsnorm(inPlace, 2, inPlace, 2, w, n, 1e-5f);
        for (int i = 0; i < n; i++) {
            assertThat(inPlace[2 + i]).isEqualTo(v[1 + i]);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 255, 1027})
    void softmax(int n) {
        Random rnd = new Random(200 + n);
        float[] x = random(n + 1, rnd, 8);
        float[] s = x.clone();
        float[] v = x.clone();
        SCALAR.softmax(s, 1, n);
        VECTOR.softmax(v, 1, n);
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[1 + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(x[1 + i] - max);
        }
        assertThat(s[0]).isEqualTo(x[0]);
        assertThat(v[0]).isEqualTo(x[0]);
        double total = 0;
        for (int i = 0; i < n; i++) {
            double exact = Math.exp(x[1 + i] - max) / sum;
            assertThat((double) s[1 + i]).isCloseTo(exact, within(1e-6 * exact + 1e-12));
            assertThat((double) v[1 + i]).isCloseTo(exact, within(1e-6 * exact + 1e-12));
            total += v[1 + i];
        }
        assertThat(total).isCloseTo(1.0, within(1e-5));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 8, 15, 16, 17, 31, 33, 64, 100, 255, 1027})
    void swiglu(int n) {
        Random rnd = new Random(300 + n);
        float[] g = random(n + 1, rnd, 10);
        float[] u = random(n, rnd, 2);
        float[] s = g.clone();
        float[] v = g.clone();
        SCALAR.swiglu(s, 1, u, 0, n);
        VECTOR.swiglu(v, 1, u, 0, n);
        for (int i = 0; i < n; i++) {
            double gi = g[1 + i];
            double exact = gi / (1 + Math.exp(-gi)) * u[i];
            assertThat((double) s[1 + i]).isCloseTo(exact, within(1e-6 * Math.abs(exact) + 1e-30));
            assertThat((double) v[1 + i]).isCloseTo(exact, within(1e-6 * Math.abs(exact) + 1e-30));
        }
    }

    @ParameterizedTest
    @EnumSource(RopeOrder.class)
    void ropeBothOrders(RopeOrder order) {
        Random rnd = new Random(400 + order.ordinal());
        for (int headDim : new int[] {2, 8, 10, 34, 64, 128}) {
            for (int ropeDims : new int[] {2, headDim / 2 * 2 - (headDim >= 8 ? 4 : 0), headDim}) {
                int heads = 3;
                int half = ropeDims / 2;
                double[] angle = new double[half];
                for (int i = 0; i < half; i++) {
                    angle[i] = 17 * Math.pow(10000, -2.0 * i / ropeDims);
                }
                float[] cos = new float[ropeDims + 1];
                float[] sin = new float[ropeDims + 1];
                for (int j = 0; j < ropeDims; j++) {
                    int pair = order.pairIndex(j, ropeDims);
                    cos[1 + j] = (float) Math.cos(angle[pair]);
                    sin[1 + j] = (float) (order.isFirstOfPair(j, ropeDims) ? -Math.sin(angle[pair]) : Math.sin(angle[pair]));
                }
                float[] x = random(heads * headDim + 2, rnd, 1);
                float[] s = x.clone();
                float[] v = x.clone();
                SCALAR.rope(s, 2, heads, headDim, ropeDims, order, cos, sin, 1);
                VECTOR.rope(v, 2, heads, headDim, ropeDims, order, cos, sin, 1);
                assertThat(v).as("vector = scalar, headDim %d ropeDims %d", headDim, ropeDims).containsExactly(s);
                // the textbook rotation of each pair
                for (int h = 0; h < heads; h++) {
                    int base = 2 + h * headDim;
                    for (int i = 0; i < half; i++) {
                        int a = order == RopeOrder.NORMAL ? 2 * i : i;
                        int b = order == RopeOrder.NORMAL ? 2 * i + 1 : i + half;
                        double ra = x[base + a] * Math.cos(angle[i]) - x[base + b] * Math.sin(angle[i]);
                        double rb = x[base + a] * Math.sin(angle[i]) + x[base + b] * Math.cos(angle[i]);
                        assertThat((double) s[base + a]).isCloseTo(ra, within(1e-6));
                        assertThat((double) s[base + b]).isCloseTo(rb, within(1e-6));
                    }
                    for (int j = ropeDims; j < headDim; j++) {
                        assertThat(s[base + j]).isEqualTo(x[base + j]);
                    }
                }
                assertThat(s[0]).isEqualTo(x[0]);
                assertThat(s[1]).isEqualTo(x[1]);
            }
        }
    }
}
