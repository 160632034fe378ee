package dev.jllm.runtime.synth;

import dev.jllm.models.gguf.GgmlType;
import dev.jllm.runtime.tensor.Quantizer;
import java.util.Locale;

/**
 * Which weight type each matrix of a synthetic model gets: one type throughout, or a llama.cpp-style mix
 * ({@code Q4_K_M}, {@code Q5_K_M}: {@code output}, and {@code attn_v}/{@code ffn_down} in the first and last
 * eighth and every third layer between, in Q6_K; {@code Q3_K_M}: Q3_K with {@code output} in Q6_K,
 * {@code attn_output} in Q4_K, {@code attn_v} in Q5_K for the first two layers and Q4_K after, {@code ffn_down}
 * in Q5_K for the first sixteenth of the layers and Q4_K after). Rows whose length is not a multiple of the
 * type's block fall back as llama.cpp does: to a 32-element type (IQ4_XS to IQ4_NL), or to F16.
 *
 * @param fileType the {@code general.file_type} (llama_ftype) of the file
 */
public record WeightMix(String name, GgmlType base, GgmlType more, int fileType) {

    /** Parses a type name ({@code Q4_0}, {@code F16}, ...) or a mix name ({@code Q3_K_M}, {@code Q4_K_M}, {@code Q5_K_M}). */
    public static WeightMix parse(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        switch (n) {
            case "Q3_K_M":
                return new WeightMix(n, GgmlType.Q3_K, GgmlType.Q6_K, 12);
            case "Q4_K_M":
                return new WeightMix(n, GgmlType.Q4_K, GgmlType.Q6_K, 15);
            case "Q5_K_M":
                return new WeightMix(n, GgmlType.Q5_K, GgmlType.Q6_K, 17);
            default:
                break;
        }
        GgmlType t;
        try {
            t = GgmlType.valueOf(n);
        } catch (IllegalArgumentException e) {
            t = null;
        }
        if (t == null || !Quantizer.SUPPORTED.contains(t)) {
            throw new IllegalArgumentException("unsupported type '" + name + "' (supported: " + Quantizer.SUPPORTED
                    + ", Q3_K_M, Q4_K_M, Q5_K_M)");
        }
        return new WeightMix(n, t, t, fileTypeOf(t));
    }

    private static int fileTypeOf(GgmlType t) {
        return switch (t) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q4_1 -> 3;
            case Q8_0 -> 7;
            case Q5_0 -> 8;
            case Q5_1 -> 9;
            case Q2_K -> 10;
            case Q3_K -> 11; // Q3_K_S
            case Q4_K -> 14; // Q4_K_S
            case Q5_K -> 16; // Q5_K_S
            case Q6_K -> 18;
            case IQ4_NL -> 25;
            case IQ4_XS -> 30;
            case BF16 -> 32;
            default -> throw new IllegalArgumentException("no file type for " + t);
        };
    }

    /** The type of matrix {@code tensor} (e.g. {@code ffn_down}, {@code output}) of layer {@code layer}. */
    public GgmlType typeOf(String tensor, int layer, int layers, int rowLength) {
        GgmlType t = base;
        if (name.equals("Q3_K_M")) {
            t = switch (tensor) {
                case "output" -> more;
                case "attn_output" -> GgmlType.Q4_K;
                case "attn_v" -> layer < 2 ? GgmlType.Q5_K : GgmlType.Q4_K;
                case "ffn_down" -> layer < layers / 16 ? GgmlType.Q5_K : GgmlType.Q4_K;
                default -> base;
            };
        } else if (more != base) {
            boolean moreBits = layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;
            if (tensor.equals("output") || ((tensor.equals("attn_v") || tensor.equals("ffn_down")) && moreBits)) {
                t = more;
            }
        }
        return fallback(t, rowLength);
    }

    /** llama.cpp's fallback for rows that are not a whole number of blocks. */
    static GgmlType fallback(GgmlType t, int rowLength) {
        if (rowLength % t.blockSize() == 0) {
            return t;
        }
        GgmlType small = switch (t) {
            case Q2_K, Q3_K -> GgmlType.Q4_0;
            case Q4_K -> GgmlType.Q5_0;
            case Q5_K -> GgmlType.Q5_1;
            case IQ4_XS -> GgmlType.IQ4_NL;
            default -> GgmlType.Q8_0;
        };
        return rowLength % small.blockSize() == 0 ? small : GgmlType.F16;
    }
}
