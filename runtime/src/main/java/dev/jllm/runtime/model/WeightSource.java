package dev.jllm.runtime.model;

import dev.jllm.models.TensorShape;
import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.gguf.GgufTensorInfo;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * Where a model's tensors come from: a GGUF file, a Hugging Face checkpoint, or a decorator over either
 * (load-time quantization). Tensors are named and shaped as in GGUF ({@code blk.N.attn_q.weight}, shape in ggml
 * order, the row length first), so one loader and one forward pass serve every source.
 */
public interface WeightSource {

    /**
     * One tensor.
     *
     * @param shape dimensions in ggml order: {@code shape.dim(0)} is the row length
     * @param data  the bytes in the file layout of {@code type} (a slice of a mapping where possible)
     */
    record Tensor(String name, GgmlType type, TensorShape shape, MemorySegment data) implements TensorShape.Shaped {
        public Tensor(String name, GgmlType type, long[] shape, MemorySegment data) {
            this(name, type, TensorShape.of(shape), data);
        }
    }

    /** What the tensors come from, for error messages (a file or directory path). */
    String describe();

    /** The tensor with this GGUF name, if the source has it. */
    Optional<Tensor> tensor(String ggufName);

    /** The tensors of a GGUF file (kept open by the caller). */
    static WeightSource of(GgufFile gguf) {
        return new WeightSource() {
            @Override
            public String describe() {
                return gguf.path().toString();
            }

            @Override
            public Optional<Tensor> tensor(String name) {
                return gguf.tensor(name).map(this::view);
            }

            private Tensor view(GgufTensorInfo t) {
                return new Tensor(t.name(), t.type(), t.shape(), gguf.data(t));
            }
        };
    }
}
