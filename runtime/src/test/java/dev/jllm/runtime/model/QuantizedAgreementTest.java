package dev.jllm.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.synth.WeightMix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Quantized models against the F32 model with the same float weights (the same seed): the next-token choice
 * (top-1) at every position of a fixed prompt set must mostly agree, and the logits' error relative to their
 * RMS must stay within a bound set by the type's precision. A Q4_K_M-style file mixes Q4_K, Q6_K (embedding,
 * output, attn_v, ffn_down), Q5_0, Q8_0 and F16 as llama.cpp's files do. Errors are printed.
 */
class QuantizedAgreementTest {

    private static final int[][] PROMPTS = {
            {1, 7, 22, 3, 51, 9, 9, 40, 0, 17, 33, 2, 45},
            {1, 12, 12, 12, 5, 6, 7, 8, 9, 10},
            {1, 50, 49, 48, 47, 46, 1, 2, 3, 4, 30, 31},
            {1, 44, 18, 27, 36, 45, 0, 0, 52, 13, 26}};

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"F16", "BF16", "Q8_0", "Q6_K", "Q5_K", "Q5_1", "Q5_0", "Q4_K", "Q4_1", "Q4_0", "IQ4_NL", "IQ4_XS",
            "Q4_K_M", "Q3_K", "Q3_K_M", "Q2_K"})
    void topOneAgreesWithTheFloatModel(String type) throws IOException {
        float[][] reference = logits(model(null));
        float[][] quantized = logits(model(type));
        int agree = 0;
        double errSq = 0;
        double refSq = 0;
        double maxErr = 0;
        for (int i = 0; i < reference.length; i++) {
            if (GreedyDecoder.argmax(reference[i]) == GreedyDecoder.argmax(quantized[i])) {
                agree++;
            }
            for (int v = 0; v < reference[i].length; v++) {
                double e = quantized[i][v] - reference[i][v];
                errSq += e * e;
                refSq += (double) reference[i][v] * reference[i][v];
                maxErr = Math.max(maxErr, Math.abs(e));
            }
        }
        double relRms = Math.sqrt(errSq / refSq);
        double agreement = agree / (double) reference.length;
        System.out.printf(Locale.ROOT, "%-7s top-1 agreement %.3f (%d/%d), logits relative RMS error %.4f, max abs error %.4f%n",
                type, agreement, agree, reference.length, relRms, maxErr);
        // bounds: about twice the weights' relative RMS quantization error (QuantizerTest prints those)
        double bound = switch (type) {
            case "F16" -> 0.002;
            case "BF16" -> 0.01;
            case "Q8_0" -> 0.02;
            case "Q6_K" -> 0.06;
            case "Q5_K", "Q5_1", "Q5_0" -> 0.12;
            case "Q3_K_M" -> 0.35;
            case "Q3_K" -> 0.45; // weights 0.18 (ggml's reference quantizer: 0.17)
            case "Q2_K" -> 0.8;  // weights 0.32 (ggml's reference quantizer: 0.34)
            default -> 0.25;
        };
        assertThat(relRms).as("%s logits relative RMS error", type).isLessThan(bound);
        double minAgreement = switch (type) {
            case "F16", "BF16", "Q8_0" -> 0.95;
            case "Q6_K", "Q5_K", "Q5_1", "Q5_0" -> 0.85;
            // 3 and 2 bits: a random model's logits are close together, so errors of this size flip many top-1s
            case "Q3_K_M" -> 0.6;
            case "Q3_K" -> 0.4;
            case "Q2_K" -> 0.3;
            default -> 0.7;
        };
        assertThat(agreement).as("%s top-1 agreement", type).isGreaterThanOrEqualTo(minAgreement);
    }

    private Path model(String type) throws IOException {
        SyntheticModel m = new SyntheticModel().superBlockShape();
        m.seed = 77;
        if ("Q4_K_M".equals(type)) {
            m.matrixType = GgmlType.Q4_K;
            m.typeByName = name -> {
                if (name.startsWith("token_embd") || name.startsWith("output") || name.contains("attn_v")
                        || name.contains("ffn_down")) {
                    return GgmlType.Q6_K;
                }
                if (name.contains("attn_output")) {
                    return GgmlType.Q5_0;
                }
                if (name.contains("ffn_up")) {
                    return GgmlType.Q8_0;
                }
                return name.contains("attn_k") ? GgmlType.F16 : null;
            };
        } else if ("Q3_K_M".equals(type)) {
            // the mix jllm synth writes: Q3_K, with Q4_K/Q5_K attn_v, ffn_down and attn_output, Q6_K output
            WeightMix mix = WeightMix.parse(type);
            m.matrixType = mix.base();
            m.typeByName = name -> {
                String[] parts = name.split("\\.");
                boolean layer = parts[0].equals("blk");
                return mix.typeOf(layer ? parts[2] : parts[0], layer ? Integer.parseInt(parts[1]) : 0, m.blocks, 256);
            };
        } else {
            m.matrixType = type == null ? GgmlType.F32 : GgmlType.valueOf(type);
        }
        Path file = dir.resolve((type == null ? "F32" : type) + ".gguf");
        m.write(file);
        return file;
    }

    /** Logits at every position of every prompt (each prompt one batch). */
    private static float[][] logits(Path file) throws IOException {
        try (GgufFile gguf = GgufFile.open(file); LlamaModel model = LlamaModel.load(gguf)) {
            int total = 0;
            for (int[] p : PROMPTS) {
                total += p.length;
            }
            float[][] out = new float[total][];
            int k = 0;
            for (int[] p : PROMPTS) {
                Batch batch = new Batch();
                for (int i = 0; i < p.length; i++) {
                    batch.add(p[i], i, 0, true);
                }
                Logits logits = model.forward(batch, model.newKvCache());
                for (int i = 0; i < p.length; i++) {
                    out[k++] = logits.get(i).clone();
                }
            }
            return out;
        }
    }
}
