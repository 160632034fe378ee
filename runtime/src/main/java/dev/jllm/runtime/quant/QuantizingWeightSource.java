package dev.jllm.runtime.quant;

import dev.jllm.models.gguf.GgmlType;
import dev.jllm.runtime.model.WeightSource;
import dev.jllm.runtime.tensor.Quantizer;
import dev.jllm.runtime.tensor.WeightTensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * A view of another {@link WeightSource} whose float matrices are quantized to {@code Q8_0} or {@code Q4_0} when
 * first asked for (load-time quantization: speed and memory over exactness). Vectors (norms, biases) and matrices
 * whose rows are not whole blocks stay as they are. Quantized copies live off-heap until unreachable.
 */
public final class QuantizingWeightSource implements WeightSource {
    private final WeightSource source;
    private final GgmlType target;
    private final Map<String, Optional<Tensor>> done = new ConcurrentHashMap<>();

    public QuantizingWeightSource(WeightSource source, GgmlType target) {
        if (target != GgmlType.Q8_0 && target != GgmlType.Q4_0) {
            throw new IllegalArgumentException("load-time quantization supports Q8_0 and Q4_0, not " + target);
        }
        this.source = source;
        this.target = target;
    }

    /** The type named by a {@code --quantize} value ({@code q8_0} or {@code q4_0}, any case). */
    public static GgmlType parseType(String name) {
        for (GgmlType t : new GgmlType[]{GgmlType.Q8_0, GgmlType.Q4_0}) {
            if (t.name().equalsIgnoreCase(name.strip())) {
                return t;
            }
        }
        throw new IllegalArgumentException("quantize must be q8_0 or q4_0, got '" + name + "'");
    }

    @Override
    public String describe() {
        return source.describe() + " (quantized to " + target + ")";
    }

    @Override
    public Optional<Tensor> tensor(String name) {
        return done.computeIfAbsent(name, n -> source.tensor(n).map(this::convert));
    }

    private Tensor convert(Tensor t) {
        boolean floatType = t.type() == GgmlType.F32 || t.type() == GgmlType.F16 || t.type() == GgmlType.BF16;
        // matrices and 3-D expert tensors (rows of all experts one after the other); like llama-quantize, the
        // MoE router (ffn_gate_inp) keeps its type
        boolean matrix = t.dims() == 2 || t.dims() == 3;
        if (!matrix || !floatType || !Quantizer.supports(target, t.dim(0)) || t.name().contains("ffn_gate_inp.")) {
            return t;
        }
        int cols = Math.toIntExact(t.dim(0));
        int rows = Math.toIntExact(t.elements() / cols);
        WeightTensor in = WeightTensor.of(t.type(), t.data(), rows, cols, false);
        long rowBytes = target.byteSize(cols);
        MemorySegment out = Arena.ofAuto().allocate(rowBytes * rows, 8);
        // rows are independent: chunks of them go to the common pool (a 7B model has ~7e9 values to convert)
        int chunk = Math.max(1, 65_536 / cols);
        IntStream.range(0, (rows + chunk - 1) / chunk).parallel().forEach(c -> {
            float[] row = new float[cols];
            byte[] bytes = new byte[Math.toIntExact(rowBytes)];
            for (int r = c * chunk; r < Math.min(rows, (c + 1) * chunk); r++) {
                in.dequantizeRow(r, row, 0);
                Quantizer.quantize(target, row, 0, cols, bytes, 0);
                MemorySegment.copy(bytes, 0, out, ValueLayout.JAVA_BYTE, r * rowBytes, bytes.length);
            }
        });
        return new Tensor(t.name(), target, t.shape(), out);
    }
}
