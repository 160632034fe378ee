package dev.jllm.runtime.model;

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
     * @param shape dimensions in ggml order: {@code shape[0]} is the row length
     * @param data  the bytes in the file layout of {@code type} (a slice of a mapping where possible)
     */
    record Tensor(String name, GgmlType type, long[] shape, MemorySegment data) {
        public Tensor {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public int dims() {
            return shape.length;
        }

        /** Size of dimension {@code i}, 1 beyond the rank (as ggml pads shapes). */
        public long dim(int i) {
            return i < shape.length ? shape[i] : 1;
        }

        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
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
