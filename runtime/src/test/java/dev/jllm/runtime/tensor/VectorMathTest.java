package dev.jllm.runtime.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

class VectorMathTest {

    private static float[] exp(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i += Simd.L) {
            VectorMath.exp(FloatVector.fromArray(Simd.F, x, i)).intoArray(out, i);
        }
        return out;
    }

    @Test
    void expIsWithinThreeUlpOfMathExpAcrossTheFloatRange() {
        int n = 1 << 20;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = -87.3f + (88.3f + 87.3f) * i / (n - 1);
        }
        float[] y = exp(x);
        for (int i = 0; i < n; i++) {
            double exact = Math.exp(x[i]);
            double ulp = Math.ulp((float) exact);
            assertThat(Math.abs(y[i] - exact)).as("exp(%s)", x[i]).isLessThanOrEqualTo(3 * ulp);
        }
    }

    @Test
    void expSpecialValues() {
        float[] x = new float[Simd.L * ((7 + Simd.L - 1) / Simd.L)];
        float[] special = {0f, -0f, -100f, Float.NEGATIVE_INFINITY, 100f, Float.POSITIVE_INFINITY, Float.NaN};
        System.arraycopy(special, 0, x, 0, special.length);
        float[] y = exp(x);
        assertThat(y[0]).isEqualTo(1f);
        assertThat(y[1]).isEqualTo(1f);
        assertThat(y[2]).isEqualTo(0f);
        assertThat(y[3]).isEqualTo(0f);
        assertThat(y[4]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(y[5]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(y[6]).isNaN();
    }
}
