package dev.jllm.models.gguf;

import dev.jllm.models.ModelFormatException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Set;

/**
 * Load-time checks of what a tensor holds for its role, which the metadata and the table's offsets cannot tell: a
 * norm is a vector of plain floats, embeddings are a matrix, and the float tensors a generation starts from hold
 * finite numbers. A file that fails them (a tensor re-typed by a broken converter, bytes of another type read as
 * this one) is refused at load with one line, instead of loading and then producing no finite logit.
 *
 * <p>Norms are small and are read whole. The embedding and output matrices can be gigabytes: they are read whole
 * up to {@value #FULL_SCAN_ELEMENTS} elements and sampled (evenly spread runs) beyond, which still finds bytes of
 * another type, since those put non-finite values everywhere.
 */
public final class GgufTensorChecks {

    /** Elements of a float matrix read whole; beyond this, {@value #SAMPLE_RUNS} runs are read. */
    static final long FULL_SCAN_ELEMENTS = 1L << 24;
    static final int SAMPLE_RUNS = 4096;
    private static final int RUN = 256;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final Set<GgmlType> NORM_TYPES = Set.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16);

    private GgufTensorChecks() { }

    /** @throws ModelFormatException naming the first tensor that does not fit its role */
    public static void check(GgufFile gguf) {
        for (GgufTensorInfo t : gguf.tensors()) {
            String name = t.name();
            if (isNorm(name)) {
                if (!NORM_TYPES.contains(t.type())) {
                    throw new ModelFormatException("tensor " + name + " is " + t.type() + "; a norm must be F32, F16"
                            + " or BF16");
                }
                if (t.dims() != 1) {
                    throw new ModelFormatException("tensor " + name + " has " + t.dims() + " dimensions; a norm is a"
                            + " vector");
                }
                requireFinite(t, gguf.data(t), t.elements());
            } else if (name.equals("token_embd.weight") || name.equals("output.weight")) {
                if (t.dims() != 2) {
                    throw new ModelFormatException("tensor " + name + " has " + t.dims() + " dimensions; it must be"
                            + " a matrix");
                }
                if (NORM_TYPES.contains(t.type())) {
                    requireFinite(t, gguf.data(t), Math.min(t.elements(), FULL_SCAN_ELEMENTS));
                }
            }
        }
    }

    /** Norm weights and biases: {@code output_norm}, {@code blk.N.attn_norm}, {@code blk.N.ffn_norm}, ... */
    static boolean isNorm(String name) {
        return name.endsWith("_norm.weight") || name.endsWith("_norm.bias") || name.endsWith(".norm.weight");
    }

    /** All of the tensor's values when {@code budget} covers them, else evenly spread runs of them. */
    private static void requireFinite(GgufTensorInfo t, MemorySegment data, long budget) {
        long n = t.elements();
        if (budget >= n) {
            scan(t, data, 0, n);
            return;
        }
        long stride = n / SAMPLE_RUNS;
        for (long start = 0; start + RUN <= n; start += stride) {
            scan(t, data, start, RUN);
        }
        scan(t, data, n - RUN, RUN);
    }

    private static void scan(GgufTensorInfo t, MemorySegment data, long from, long count) {
        for (long i = from; i < from + count; i++) {
            boolean finite = switch (t.type()) {
                case F32 -> (data.getAtIndex(I32, i) & 0x7F80_0000) != 0x7F80_0000;
                case F16 -> (data.getAtIndex(I16, i) & 0x7C00) != 0x7C00;
                case BF16 -> (data.getAtIndex(I16, i) & 0x7F80) != 0x7F80;
                default -> true;
            };
            if (!finite) {
                throw new ModelFormatException("tensor " + t.name() + " (" + t.type() + ") holds a value that is not"
                        + " a finite number at element " + i + ": the file is damaged, or the tensor's bytes are of"
                        + " another type");
            }
        }
    }
}
