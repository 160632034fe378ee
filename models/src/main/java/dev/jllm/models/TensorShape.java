package dev.jllm.models;

/** What GGUF and safetensors tensor entries say alike about their shape. */
public interface TensorShape {

    /** The dimensions, a copy. */
    long[] shape();

    default int dims() {
        return shape().length;
    }

    default long elements() {
        long n = 1;
        for (long d : shape()) {
            n *= d;
        }
        return n;
    }
}
