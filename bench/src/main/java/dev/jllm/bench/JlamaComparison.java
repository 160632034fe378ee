package dev.jllm.bench;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.model.functions.Generator;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.SafeTensorSupport;
import com.github.tjake.jlama.safetensors.prompt.PromptContext;
import com.github.tjake.jlama.util.PhysicalCoreExecutor;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.LlamaModel;
import dev.jllm.runtime.perf.ModelBench;
import dev.jllm.runtime.synth.ModelShape;
import dev.jllm.runtime.synth.SyntheticModelWriter;
import dev.jllm.runtime.synth.WeightMix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * jllm against jlama in one JVM, on the same synthetic weights (GGUF for jllm, Hugging Face safetensors for
 * jlama; jlama's Q4 is quantized offline, its load-time quantization being broken), runs interleaved so that
 * both see the same machine load. Prints tokens/s of both and the ratio jllm / jlama for prompt (pp) and
 * generation (tg).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar dev.jllm.bench.JlamaComparison \
 *     --shape tinyllama-1.1b --type Q4_0 --jlama Q4 --tokenizer tokenizer.json --work /tmp/cmp -t 2 -p 128 -n 64 -r 3
 * </pre>
 */
public final class JlamaComparison {

    private JlamaComparison() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of("--shape", "tinyllama-1.1b", "--type", "Q4_0", "--jlama", "Q4",
                "-t", "2", "-p", "128", "-n", "64", "-r", "3", "--seed", "1", "--work", "/tmp/jllm-vs-jlama"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        if (!a.containsKey("--tokenizer")) {
            System.err.println("--tokenizer tokenizer.json (a llama SentencePiece tokenizer.json, 32000 tokens) is required");
            System.exit(2);
        }
        ModelShape shape = ModelShape.named(a.get("--shape"));
        WeightMix mix = WeightMix.parse(a.get("--type"));
        DType jlamaType = DType.valueOf(a.get("--jlama"));
        int threads = Integer.parseInt(a.get("-t"));
        int p = Integer.parseInt(a.get("-p"));
        int n = Integer.parseInt(a.get("-n"));
        int runs = Integer.parseInt(a.get("-r"));
        long seed = Long.parseLong(a.get("--seed"));
        Path work = Path.of(a.get("--work"));
        Files.createDirectories(work);

        SyntheticModelWriter weights = new SyntheticModelWriter(shape, mix, seed, null);
        Path gguf = work.resolve(shape.name() + "-" + mix.name() + "-s" + seed + ".gguf");
        if (!Files.exists(gguf)) {
            log("writing " + gguf);
            weights.write(gguf);
        }
        Path hf = work.resolve(shape.name() + "-hf-bf16-s" + seed);
        if (!Files.exists(hf.resolve("model.safetensors"))) {
            log("writing " + hf);
            HfSafetensorsWriter.write(weights, hf, Path.of(a.get("--tokenizer")));
        }
        Path jlamaDir = hf;
        if (jlamaType != DType.BF16) {
            jlamaDir = work.resolve(shape.name() + "-hf-" + jlamaType + "-s" + seed);
            if (!Files.exists(jlamaDir)) {
                log("quantizing for jlama to " + jlamaType + " in " + jlamaDir);
                SafeTensorSupport.quantizeModel(hf, jlamaType, new String[] {"norm"}, new String[0],
                        Optional.of(jlamaDir));
            }
        }

        PhysicalCoreExecutor.overrideThreadCount(threads);
        AbstractModel jlama = ModelSupport.loadModel(jlamaDir.toFile(), DType.F32, DType.I8);
        String prompt = "the quick brown fox jumps over the lazy dog ".repeat(Math.max(1, p / 9));
        try (GgufFile file = GgufFile.open(gguf);
             LlamaModel jllm = LlamaModel.load(file, EngineOptions.defaults().withThreads(threads))) {
            // warm-up (and jlama's prompt length, which both then use)
            // jlama's token limit counts the prompt (with its BOS) too
            int limit = jlama.getTokenizer().encode(prompt).length + 1 + n;
            Generator.Response warm = jlama.generate(UUID.randomUUID(), PromptContext.of(prompt), 0f, limit, (s, f) -> { });
            int promptTokens = warm.promptTokens;
            ModelBench bench = new ModelBench(jllm, Math.max(promptTokens, n));
            bench.promptSeconds(promptTokens);
            bench.generateSeconds(n);
            double[] sums = new double[4];
            for (int r = 0; r < runs; r++) {
                double jpp = promptTokens / bench.promptSeconds(promptTokens);
                double jtg = n / bench.generateSeconds(n);
                Generator.Response res = jlama.generate(UUID.randomUUID(), PromptContext.of(prompt), 0f, limit, (s, f) -> { });
                double lpp = res.promptTokens * 1000.0 / Math.max(1, res.promptTimeMs);
                double ltg = res.generatedTokens * 1000.0 / Math.max(1, res.generateTimeMs);
                log(String.format(Locale.ROOT, "run %d: jllm pp %.2f tg %.2f | jlama pp %.2f tg %.2f (%d generated)",
                        r + 1, jpp, jtg, lpp, ltg, res.generatedTokens));
                sums[0] += jpp;
                sums[1] += jtg;
                sums[2] += lpp;
                sums[3] += ltg;
            }
            System.out.printf(Locale.ROOT, "%s, %d threads; jllm %s (GGUF) vs jlama %s (safetensors), %d runs%n",
                    shape.name(), threads, mix.name(), jlamaType, runs);
            System.out.printf(Locale.ROOT, "| test | jllm t/s | jlama t/s | jllm / jlama |%n|---|---|---|---|%n");
            System.out.printf(Locale.ROOT, "| pp%d | %.2f | %.2f | %.2fx |%n", promptTokens, sums[0] / runs, sums[2] / runs,
                    sums[0] / sums[2]);
            System.out.printf(Locale.ROOT, "| tg%d | %.2f | %.2f | %.2fx |%n", n, sums[1] / runs, sums[3] / runs,
                    sums[1] / sums[3]);
        } finally {
            jlama.close();
        }
        System.exit(0);
    }

    private static void log(String s) {
        System.err.println("[compare] " + s);
    }
}
