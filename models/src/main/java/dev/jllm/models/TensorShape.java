package dev.jllm.models;

import java.util.Arrays;

/**
 * A tensor's dimensions, immutable: the one shape type of GGUF tensors, safetensors tensors and the runtime's
 * weights. The order is the format's own (ggml: the row length first; PyTorch: the row length last); what
 * {@link #dim} means beyond the rank follows ggml, which pads shapes with 1.
 */
public final class TensorShape {

    private final long[] dims;

    private TensorShape(long[] dims) {
        this.dims = dims;
    }

    /** The shape {@code dims} (copied). */
    public static TensorShape of(long... dims) {
        return new TensorShape(dims.clone());
    }

    /** The dimensions as a new array. */
    public long[] toArray() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    /** Size of dimension {@code i}, 1 beyond the rank (as ggml pads shapes). */
    public long dim(int i) {
        return i < dims.length ? dims[i] : 1;
    }

    /** The product of the dimensions (1 for rank 0). */
    public long elements() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorShape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** As {@link Arrays#toString(long[])}: {@code [2048, 32000]}. */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }

    /** Something with a {@link TensorShape}: gives it the shape's questions by name. */
    public interface Shaped {
        TensorShape shape();

        default int dims() {
            return shape().rank();
        }

        /** Size of dimension {@code i}, 1 beyond the rank. */
        default long dim(int i) {
            return shape().dim(i);
        }

        default long elements() {
            return shape().elements();
        }
    }
}
