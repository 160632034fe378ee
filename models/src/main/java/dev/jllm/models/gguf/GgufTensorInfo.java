package dev.jllm.models.gguf;

import dev.jllm.models.TensorShape;

import java.util.Arrays;

/**
 * One tensor of a GGUF file.
 *
 * @param shape    dimensions in ggml order: {@code shape[0]} is the fastest-varying one (the row length)
 * @param offset   absolute byte offset of the data in the file
 * @param byteSize bytes of data
 */
public record GgufTensorInfo(String name, long[] shape, GgmlType type, long offset, long byteSize)
        implements TensorShape {

    public GgufTensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Size of dimension {@code i}, 1 beyond the tensor's rank (as ggml pads shapes). */
    public long dim(int i) {
        return i < shape.length ? shape[i] : 1;
    }

    /** Number of rows: all elements divided by the row length. */
    public long rows() {
        return shape.length == 0 || shape[0] == 0 ? 0 : elements() / shape[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && Arrays.equals(shape, t.shape)
                && type == t.type && offset == t.offset && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape) + " @" + offset;
    }
}
