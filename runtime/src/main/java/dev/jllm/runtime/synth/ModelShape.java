package dev.jllm.runtime.synth;

import java.util.List;
import java.util.Locale;

/**
 * The hyper-parameters of a real model, for synthetic benchmark models of the same size and layout.
 *
 * @param tiedOutput no {@code output.weight}: the logits use the token embedding
 * @param qkvBias    q/k/v projections with biases (qwen2)
 */
public record ModelShape(String name, String architecture, int width, int layers, int heads, int kvHeads,
                         int feedForward, int vocab, int context, float ropeBase, float rmsEpsilon,
                         boolean tiedOutput, boolean qkvBias) {

    public static final List<ModelShape> KNOWN = List.of(
            new ModelShape("stories260k", "llama", 64, 5, 8, 4, 172, 512, 512, 10000f, 1e-5f, false, false),
            new ModelShape("tinyllama-1.1b", "llama", 2048, 22, 32, 4, 5632, 32000, 2048, 10000f, 1e-5f, false, false),
            new ModelShape("llama-3.2-1b", "llama", 2048, 16, 32, 8, 8192, 128256, 131072, 500000f, 1e-5f, true, false),
            new ModelShape("qwen2.5-0.5b", "qwen2", 896, 24, 14, 2, 4864, 151936, 32768, 1000000f, 1e-6f, true, true));

    public int headDim() {
        return width / heads;
    }

    /** The shape called {@code name} (case-insensitive). */
    public static ModelShape named(String name) {
        for (ModelShape s : KNOWN) {
            if (s.name.equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown shape '" + name + "' (known: "
                + String.join(", ", KNOWN.stream().map(ModelShape::name).toList()) + ")");
    }

    /** The same shape with another vocabulary size (that of a tokenizer copied from a vocab file). */
    public ModelShape withVocab(int vocab) {
        return new ModelShape(name, architecture, width, layers, heads, kvHeads, feedForward, vocab, context, ropeBase,
                rmsEpsilon, tiedOutput, qkvBias);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (%s, width %d, %d layers, %d/%d heads, FFN %d, vocab %d)", name,
                architecture, width, layers, heads, kvHeads, feedForward, vocab);
    }
}
