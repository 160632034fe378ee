package dev.jllm.runtime.tensor;

/**
 * The element-wise and reduction operations of a forward pass on float activations. Two
 * implementations: {@link ScalarKernels} (the reference) and {@link VectorKernels} (Vector API); tests
 * check that they agree on random data.
 */
public sealed interface Kernels permits ScalarKernels, VectorKernels {

    /** The vector kernels when {@code vectorized}, otherwise the scalar reference. */
    static Kernels of(boolean vectorized) {
        return vectorized ? VectorKernels.INSTANCE : ScalarKernels.INSTANCE;
    }

    /** {@code sum(a[aOff + i] * b[bOff + i])} for {@code i < n}. */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /** {@code y[yOff + i] += alpha * x[xOff + i]}. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** {@code y[yOff + i] += x[xOff + i]}. */
    void add(float[] x, int xOff, float[] y, int yOff, int n);

    /**
     * RMS normalisation as llama.cpp computes it: {@code out = (x * (1 / sqrt(mean(x^2) + eps))) * weight}.
     * {@code out} may be {@code x}.
     */
    void rmsnorm(float[] out, int outOff, float[] x, int xOff, float[] weight, int n, float eps);

    /** In-place softmax of {@code x[off .. off + n)}: {@code exp(x - max) / sum}. */
    void softmax(float[] x, int off, int n);

    /** SwiGLU: {@code gate[i] = silu(gate[i]) * up[i]}, with {@code silu(g) = g / (1 + exp(-g))}. */
    void swiglu(float[] gate, int gateOff, float[] up, int upOff, int n);

    /**
     * RoPE on {@code heads} consecutive heads of {@code headDim} elements at {@code x[off ..]}; only the first
     * {@code ropeDims} elements of each head rotate. {@code cos[tableOff + j]} and {@code sin[tableOff + j]}
     * ({@code j < ropeDims}) hold, for element {@code j}, the cosine of its pair's angle and the sine signed
     * {@code -} for the first element of the pair and {@code +} for the second, so that
     * {@code out[j] = x[j] * cos[j] + x[partner(j)] * sin[j]}.
     */
    void rope(float[] x, int off, int heads, int headDim, int ropeDims, RopeOrder order,
              float[] cos, float[] sin, int tableOff);
}
