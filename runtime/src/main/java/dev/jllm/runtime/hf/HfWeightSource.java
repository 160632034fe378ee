package dev.jllm.runtime.hf;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.hf.HfModelDirectory;
import dev.jllm.models.safetensors.SafetensorsTensorInfo;
import dev.jllm.runtime.model.WeightSource;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * The tensors of a Hugging Face checkpoint under their GGUF names, as slices of the safetensors mappings (no
 * copies, q/k rows left in HF's rotate-half order: the config says {@code NEOX} RoPE). Two tensors have no HF
 * file counterpart: {@code output.weight} is absent when the embeddings are tied, and {@code rope_freqs.weight}
 * is computed from the config (Llama 3 scaling), as llama.cpp's converter stores it.
 */
public record HfWeightSource(HfModelDirectory dir, HfModelConfig config) implements WeightSource {

    @Override
    public String describe() {
        return dir.path().toString();
    }

    @Override
    public Optional<Tensor> tensor(String ggufName) {
        if (ggufName.equals("rope_freqs.weight")) {
            float[] f = config.ropeFreqFactors();
            if (f == null) {
                return Optional.empty();
            }
            MemorySegment data = MemorySegment.ofArray(new byte[f.length * 4]);
            for (int i = 0; i < f.length; i++) {
                data.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, f[i]);
            }
            return Optional.of(new Tensor(ggufName, GgmlType.F32, new long[]{f.length}, data));
        }
        if (ggufName.equals("output.weight") && config.tiedEmbeddings()) {
            return Optional.empty();
        }
        String hf = HfTensorNames.hfName(ggufName);
        if (hf == null) {
            return Optional.empty();
        }
        return dir.tensor(hf).map(ref -> view(ggufName, ref));
    }

    private Tensor view(String ggufName, HfModelDirectory.TensorRef ref) {
        SafetensorsTensorInfo t = ref.info();
        GgmlType type = switch (t.dtype()) {
            case F32 -> GgmlType.F32;
            case F16 -> GgmlType.F16;
            case BF16 -> GgmlType.BF16;
            default -> throw new ModelFormatException(ref.file().path() + ": tensor '" + t.name() + "' has dtype "
                    + t.dtype() + " (supported: F32, F16, BF16)");
        };
        // safetensors lists the slowest dimension first, ggml the fastest
        long[] shape = t.shape().toArray();
        long[] ggml = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            ggml[i] = shape[shape.length - 1 - i];
        }
        return new Tensor(ggufName, type, ggml, ref.data());
    }
}
