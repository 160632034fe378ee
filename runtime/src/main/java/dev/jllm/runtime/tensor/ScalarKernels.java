package dev.jllm.runtime.tensor;

/**
 * Reference implementations, written to be obviously right and to follow llama.cpp's CPU arithmetic
 * (double accumulation where ggml uses {@code ggml_float}).
 */
public final class ScalarKernels implements Kernels {

    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {}

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += a[aOff + i] * b[bOff + i];
        }
        return sum;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    @Override
    public void add(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) {
            y[yOff + i] += x[xOff + i];
        }
    }

    @Override
    public void rmsnorm(float[] out, int outOff, float[] x, int xOff, float[] weight, int n, float eps) {
        double sumSquares = 0;
        for (int i = 0; i < n; i++) {
            float v = x[xOff + i];
            sumSquares += v * v;
        }
        float mean = (float) (sumSquares / n);
        float scale = 1f / (float) Math.sqrt(mean + eps);
        for (int i = 0; i < n; i++) {
            out[outOff + i] = (x[xOff + i] * scale) * weight[i];
        }
    }

    @Override
    public void softmax(float[] x, int off, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(x[off + i] - max);
            x[off + i] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int i = 0; i < n; i++) {
            x[off + i] *= inv;
        }
    }

    @Override
    public void swiglu(float[] gate, int gateOff, float[] up, int upOff, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate[gateOff + i];
            gate[gateOff + i] = g / (1f + (float) Math.exp(-g)) * up[upOff + i];
        }
    }

    @Override
    public void rope(float[] x, int off, int heads, int headDim, int ropeDims, RopeOrder order,
                     float[] cos, float[] sin, int tableOff) {
        int half = ropeDims / 2;
        for (int h = 0; h < heads; h++) {
            int base = off + h * headDim;
            for (int i = 0; i < half; i++) {
                int a = order == RopeOrder.NORMAL ? 2 * i : i;
                int b = order == RopeOrder.NORMAL ? 2 * i + 1 : i + half;
                float xa = x[base + a];
                float xb = x[base + b];
                x[base + a] = xa * cos[tableOff + a] + xb * sin[tableOff + a];
                x[base + b] = xb * cos[tableOff + b] + xa * sin[tableOff + b];
            }
        }
    }
}
