package dev.jllm.runtime.kv;

import dev.jllm.runtime.tensor.Kernels;

/** F32 rows: stored as computed, read with the model's own dot and axpy kernels (the exact reference). */
final class F32Rows extends KvRows {

    private final Kernels kernels;

    F32Rows(boolean vectorized) {
        super(KvType.F32, vectorized);
        this.kernels = Kernels.of(vectorized);
    }

    @Override
    public void store(float[] src, int srcOff, Object page, int at, int n) {
        System.arraycopy(src, srcOff, (float[]) page, at, n);
    }

    @Override
    public void load(Object page, int at, float[] out, int outOff, int n) {
        System.arraycopy((float[]) page, at, out, outOff, n);
    }

    @Override
    public float dot(float[] q, int qOff, Object page, int at, int n) {
        return kernels.dot(q, qOff, (float[]) page, at, n);
    }

    @Override
    public void axpy(float a, Object page, int at, float[] y, int yOff, int n) {
        kernels.axpy(a, (float[]) page, at, y, yOff, n);
    }
}
