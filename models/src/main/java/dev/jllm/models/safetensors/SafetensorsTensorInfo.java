package dev.jllm.models.safetensors;

import dev.jllm.models.TensorShape;

import java.util.Arrays;

/**
 * One tensor of a safetensors file.
 *
 * @param shape    dimensions in PyTorch order: the last one varies fastest (the row length)
 * @param offset   absolute byte offset of the data in the file
 * @param byteSize bytes of data (elements times the dtype size, checked when the header is read)
 */
public record SafetensorsTensorInfo(String name, SafetensorsDType dtype, long[] shape, long offset, long byteSize)
        implements TensorShape {

    public SafetensorsTensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long dim(int i) {
        return shape[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafetensorsTensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && offset == t.offset && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape) + " @" + offset;
    }
}
