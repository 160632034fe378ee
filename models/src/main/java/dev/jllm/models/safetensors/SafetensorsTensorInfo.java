package dev.jllm.models.safetensors;

import dev.jllm.models.TensorShape;

/**
 * One tensor of a safetensors file.
 *
 * @param shape    dimensions in PyTorch order: the last one varies fastest (the row length)
 * @param offset   absolute byte offset of the data in the file
 * @param byteSize bytes of data (elements times the dtype size, checked when the header is read)
 */
public record SafetensorsTensorInfo(String name, SafetensorsDType dtype, TensorShape shape, long offset, long byteSize)
        implements TensorShape.Shaped {

    public SafetensorsTensorInfo(String name, SafetensorsDType dtype, long[] shape, long offset, long byteSize) {
        this(name, dtype, TensorShape.of(shape), offset, byteSize);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + shape + " @" + offset;
    }
}
