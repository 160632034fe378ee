package dev.jllm.runtime.synth;

import java.util.List;
import java.util.Locale;

/**
 * The hyper-parameters of a real model, for synthetic benchmark and test models of the same size and layout.
 * Shapes named {@code *-small} are tiny versions of a family's layout (widths of tens) for tests that run in
 * seconds.
 *
 * @param tiedOutput no {@code output.weight}: the logits use the token embedding
 * @param qkvBias    q/k/v projections with biases (qwen2)
 * @param extras     what the architecture family adds (head width, experts, windows, multipliers...)
 */
public record ModelShape(String name, String architecture, int width, int layers, int heads, int kvHeads,
                         int feedForward, int vocab, int context, float ropeBase, float rmsEpsilon,
                         boolean tiedOutput, boolean qkvBias, ShapeExtras extras) {

    public ModelShape(String name, String architecture, int width, int layers, int heads, int kvHeads,
                      int feedForward, int vocab, int context, float ropeBase, float rmsEpsilon,
                      boolean tiedOutput, boolean qkvBias) {
        this(name, architecture, width, layers, heads, kvHeads, feedForward, vocab, context, ropeBase, rmsEpsilon,
                tiedOutput, qkvBias, ShapeExtras.NONE);
    }

    public static final List<ModelShape> KNOWN = List.of(
            new ModelShape("stories260k", "llama", 64, 5, 8, 4, 172, 512, 512, 10000f, 1e-5f, false, false),
            new ModelShape("tinyllama-1.1b", "llama", 2048, 22, 32, 4, 5632, 32000, 2048, 10000f, 1e-5f, false, false),
            new ModelShape("llama-3.2-1b", "llama", 2048, 16, 32, 8, 8192, 128256, 131072, 500000f, 1e-5f, true, false),
            new ModelShape("qwen2.5-0.5b", "qwen2", 896, 24, 14, 2, 4864, 151936, 32768, 1000000f, 1e-6f, true, true),
            // Phi-3-mini-4k-instruct (its GGUF carries a sliding window of 2047, which llama.cpp ignores for phi3)
            new ModelShape("phi-3-mini", "phi3", 3072, 32, 32, 32, 8192, 32064, 4096, 10000f, 1e-5f, false, false,
                    ShapeExtras.phi3(0, 2047, 0)),
            new ModelShape("gemma-2-2b", "gemma2", 2304, 26, 8, 4, 9216, 256000, 8192, 10000f, 1e-6f, true, false,
                    ShapeExtras.gemma2(256, 4096, 50f, 30f)),
            new ModelShape("gemma-3-1b", "gemma3", 1152, 26, 4, 1, 6912, 262144, 32768, 1000000f, 1e-6f, true, false,
                    ShapeExtras.gemma3(256, 512, 6, 10000f)),
            // Granite 3.1 2B (dense)
            new ModelShape("granite-3-2b", "granite", 2048, 40, 32, 8, 8192, 49155, 131072, 5000000f, 1e-5f, true,
                    false, ShapeExtras.granite(12f, 0.22f, 0.015625f, 8f)),
            new ModelShape("qwen3-30b-a3b", "qwen3moe", 2048, 48, 32, 4, 6144, 151936, 40960, 1000000f, 1e-6f, false,
                    false, ShapeExtras.qwen3Moe(128, 128, 8, 768)),
            // A Qwen3-MoE layout scaled down to fit a small machine (16 experts, 2 per token) and the dense Qwen3 of
            // the same active size (its FFN as wide as the two active experts), for the bench README
            new ModelShape("qwen3-moe-bench", "qwen3moe", 1024, 16, 16, 4, 2048, 32000, 4096, 1000000f, 1e-6f, false,
                    false, ShapeExtras.qwen3Moe(64, 16, 2, 1024)),
            new ModelShape("qwen3-dense-bench", "qwen3", 1024, 16, 16, 4, 2048, 32000, 4096, 1000000f, 1e-6f, false,
                    false, ShapeExtras.qwen3(64)),
            // tiny layouts of each family for tests
            new ModelShape("phi3-small", "phi3", 64, 2, 4, 2, 96, 512, 1024, 10000f, 1e-5f, false, false,
                    ShapeExtras.phi3(8, 0, 256)),
            new ModelShape("gemma2-small", "gemma2", 64, 4, 4, 2, 128, 512, 256, 10000f, 1e-6f, true, false,
                    new ShapeExtras(32, 0, false, 0, 0, 0, 6, 2, 0f, 1f, 15f, 0f, 0f, 0f, 0f, 0)),
            new ModelShape("gemma3-small", "gemma3", 64, 4, 4, 2, 128, 512, 256, 1000000f, 1e-6f, true, false,
                    ShapeExtras.gemma3(32, 6, 3, 10000f)),
            new ModelShape("granite-small", "granite", 64, 2, 4, 2, 96, 512, 256, 10000f, 1e-5f, true, false,
                    ShapeExtras.granite(3f, 0.5f, 0.125f, 0.5f)),
            new ModelShape("qwen3moe-small", "qwen3moe", 64, 2, 4, 2, 96, 512, 256, 1000000f, 1e-6f, false, false,
                    ShapeExtras.qwen3Moe(16, 8, 2, 64)),
            new ModelShape("mixtral-small", "llama", 64, 2, 4, 2, 96, 512, 256, 10000f, 1e-5f, false, false,
                    ShapeExtras.mixtral(4, 2)),
            // encoders (embeddings only; they need a WordPiece vocabulary such as ggml-vocab-bert-bge.gguf)
            new ModelShape("bge-small-en", "bert", 384, 12, 12, 12, 1536, 30522, 512, 10000f, 1e-12f, true, true),
            new ModelShape("nomic-embed-text", "nomic-bert", 768, 12, 12, 12, 3072, 30522, 2048, 1000f, 1e-12f, true,
                    false),
            new ModelShape("bert-small", "bert", 32, 2, 4, 4, 64, 512, 64, 10000f, 1e-12f, true, true),
            new ModelShape("nomic-bert-small", "nomic-bert", 32, 2, 4, 4, 48, 512, 128, 1000f, 1e-12f, true, false));

    /** Per-head width of queries and keys. */
    public int headDim() {
        return extras.headDim() > 0 ? extras.headDim() : width / heads;
    }

    /** Elements of each head that RoPE rotates. */
    public int ropeDims() {
        return extras.ropeDims() > 0 ? extras.ropeDims() : headDim();
    }

    /** The hidden width of one expert (Mixtral: the dense FFN width). */
    public int expertFf() {
        return extras.expertFf() > 0 ? extras.expertFf() : feedForward;
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
                rmsEpsilon, tiedOutput, qkvBias, extras);
    }

    @Override
    public String toString() {
        String experts = extras.experts() > 0
                ? String.format(Locale.ROOT, ", %d experts (%d active, FFN %d)", extras.experts(), extras.expertsUsed(), expertFf())
                : "";
        return String.format(Locale.ROOT, "%s (%s, width %d, %d layers, %d/%d heads, FFN %d%s, vocab %d)", name,
                architecture, width, layers, heads, kvHeads, feedForward, experts, vocab);
    }
}
