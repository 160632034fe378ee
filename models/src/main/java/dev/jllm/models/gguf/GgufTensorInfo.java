package dev.jllm.models.gguf;

import dev.jllm.models.TensorShape;

/**
 * One tensor of a GGUF file.
 *
 * @param shape    dimensions in ggml order: {@code shape.dim(0)} is the fastest-varying one (the row length)
 * @param offset   absolute byte offset of the data in the file
 * @param byteSize bytes of data
 */
public record GgufTensorInfo(String name, TensorShape shape, GgmlType type, long offset, long byteSize)
        implements TensorShape.Shaped {

    public GgufTensorInfo(String name, long[] shape, GgmlType type, long offset, long byteSize) {
        this(name, TensorShape.of(shape), type, offset, byteSize);
    }

    /** Number of rows: all elements divided by the row length. */
    public long rows() {
        return dims() == 0 || dim(0) == 0 ? 0 : elements() / dim(0);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + shape + " @" + offset;
    }
}
