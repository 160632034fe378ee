package dev.jllm.server.cli;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.synth.ModelShape;
import dev.jllm.runtime.model.Pooling;
import dev.jllm.runtime.synth.SyntheticModelWriter;
import dev.jllm.runtime.synth.WeightMix;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jllm synth}: a GGUF model of a real shape with seeded random weights, for benchmarks. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a model of a real shape with seeded random weights (for benchmarks).")
final class SynthCommand extends PrintingCommand {

    @Option(names = "--shape", required = true, paramLabel = "NAME",
            description = "A real layout: stories260k, tinyllama-1.1b, llama-3.2-1b, qwen2.5-0.5b, phi-3-mini, "
                    + "gemma-2-2b, gemma-3-1b, granite-3-2b, qwen3-30b-a3b, qwen3-moe-bench (16 experts, 2 active), "
                    + "qwen3-dense-bench (its dense twin); or a tiny one per family for tests: phi3-small, "
                    + "gemma2-small, gemma3-small, granite-small, qwen3moe-small, mixtral-small; encoders (with --vocab"
                    + " ggml-vocab-bert-bge.gguf): bge-small-en, nomic-embed-text, bert-small, nomic-bert-small.")
    String shape;

    @Option(names = "--type", required = true, paramLabel = "TYPE",
            description = "F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K, IQ4_NL, "
                    + "IQ4_XS, or the mixes Q3_K_M, Q4_K_M, Q5_K_M.")
    String type;

    @Option(names = "--vocab", paramLabel = "VOCAB.gguf",
            description = "Copy the tokenizer from this GGUF (its vocabulary size replaces the shape's).")
    Path vocab;

    @Option(names = "--pooling", paramLabel = "TYPE",
            description = "Encoder shapes (bert, nomic-bert): the pooling_type to write: mean, cls or last (default:"
                    + " the family's usual one, cls for bert, mean for nomic-bert).")
    String pooling;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The GGUF file to write.")
    Path out;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Weight seed (default: ${DEFAULT-VALUE}).")
    long seed;

    private Pooling poolingType() {
        if (pooling == null) {
            return null;
        }
        return switch (pooling.toLowerCase(java.util.Locale.ROOT)) {
            case "mean" -> Pooling.MEAN;
            case "cls" -> Pooling.CLS;
            case "last" -> Pooling.LAST;
            default -> throw new UserError("--pooling must be mean, cls or last, got '" + pooling + "'");
        };
    }

    @Override
    int run(PrintWriter o) throws IOException {
        ModelShape s;
        WeightMix mix;
        try {
            s = ModelShape.named(shape);
            mix = WeightMix.parse(type);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (vocab != null && !Files.isRegularFile(vocab)) {
            throw new UserError("vocab file not found: " + vocab);
        }
        long start = System.nanoTime();
        try (GgufFile v = vocab == null ? null : GgufFile.open(vocab)) {
            if (v != null && !v.has("tokenizer.ggml.tokens")) {
                throw new UserError(vocab + " has no tokenizer.ggml.tokens");
            }
            SyntheticModelWriter writer = new SyntheticModelWriter(s, mix, seed, v, poolingType());
            try {
                writer.write(out);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            o.printf("wrote %s: %s, %s, seed %d, %.1f MiB in %.1f s%n", out, writer.shape(), mix.name(), seed,
                    Files.size(out) / 1048576.0, (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }
}
