package dev.jllm.bench;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.kv.KvType;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.LlamaModel;
import dev.jllm.runtime.perf.ModelBench;
import dev.jllm.runtime.tensor.IntegerKernelTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prompt evaluation (or decoding) with and without the integer kernels, side by side in one process:
 * {@code PrefillRace --model FILE [--threads 2] [--tokens 128] [--rounds 6] [--modes auto,false] [--test pp|tg]
 * [--kv f32|f16|q8_0] [--depth 0]}. The
 * model is loaded once per value of {@code -Djllm.repack} in {@code --modes}; after a warm-up of each, every round
 * evaluates one {@code tokens}-token prompt (with {@code --test tg}: decodes {@code tokens} tokens one at a time)
 * with each in turn, so a busy machine, and this host's two speed levels between processes, slow them alike. Prints
 * tok/s per mode and round, each round's ratio to the first mode, and their mean and range. {@code --kv} is the KV
 * cache's type (f32 unless given; {@code jllm bench}'s default is f16) and {@code --depth} the positions already in the
 * cache, evaluated untimed before every run (llama-bench's {@code -d}).
 */
public final class PrefillRace {
    private PrefillRace() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args, Set.of("model", "threads", "tokens", "rounds", "modes", "test", "kv", "depth"));
        String test = a.getOrDefault("test", "pp");
        if (!test.equals("pp") && !test.equals("tg")) {
            throw new IllegalArgumentException("--test is pp (a prompt) or tg (decoding), not " + test);
        }
        boolean generate = test.equals("tg");
        int threads = Args.integer(a, "threads", 2);
        int tokens = Args.integer(a, "tokens", 128);
        int rounds = Args.integer(a, "rounds", 6);
        String[] modes = a.getOrDefault("modes", "auto,false").split(",");
        KvType kv = KvType.parse(a.getOrDefault("kv", "f32"));
        int depth = Args.integer(a, "depth", 0);
        List<LlamaModel> models = new ArrayList<>();
        try (GgufFile gguf = GgufFile.open(Path.of(Args.require(a, "model")))) {
            ModelBench[] benches = new ModelBench[modes.length];
            for (int i = 0; i < modes.length; i++) {
                System.setProperty(IntegerKernelTensor.REPACK_PROPERTY, modes[i]);
                LlamaModel m = LlamaModel.load(gguf, EngineOptions.defaults().withThreads(threads));
                models.add(m);
                benches[i] = new ModelBench(m, tokens, kv, depth);
            }
            System.clearProperty(IntegerKernelTensor.REPACK_PROPERTY);
            // warm-up: the first prompt repacks the matrices, the next ones let C2 compile both paths
            for (int w = 0; w < 4; w++) {
                for (ModelBench b : benches) {
                    if (generate) {
                        b.generateSeconds(tokens);
                    } else {
                        b.promptSeconds(tokens);
                    }
                }
            }
            System.out.printf("%s, %d threads, %s%d, kv %s, depth %d, modes (-D%s) %s%n",
                    Path.of(a.get("model")).getFileName(), threads, test, tokens, kv, depth,
                    IntegerKernelTensor.REPACK_PROPERTY, String.join(" ", modes));
            double[] ratios = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                StringBuilder line = new StringBuilder("round " + (r + 1) + ":");
                double first = 0;
                for (int i = 0; i < modes.length; i++) {
                    // alternate which mode goes first, so neither always follows the other
                    int k = r % 2 == 0 ? i : modes.length - 1 - i;
                    double tps = tokens / (generate ? benches[k].generateSeconds(tokens) : benches[k].promptSeconds(tokens));
                    line.append(String.format(" %s %.2f tok/s", modes[k], tps));
                    if (k == 0) {
                        first = tps;
                    } else if (k == 1) {
                        ratios[r] = tps;
                    }
                }
                if (modes.length > 1) {
                    ratios[r] = first / ratios[r];
                    line.append(String.format("  %s/%s %.3f", modes[0], modes[1], ratios[r]));
                }
                System.out.println(line);
            }
            if (modes.length > 1) {
                double sum = 0;
                double min = Double.MAX_VALUE;
                double max = 0;
                for (double x : ratios) {
                    sum += x;
                    min = Math.min(min, x);
                    max = Math.max(max, x);
                }
                System.out.printf("%s / %s: mean %.3f (%.3f .. %.3f over %d rounds)%n", modes[0], modes[1],
                        sum / rounds, min, max, rounds);
            }
        } finally {
            for (LlamaModel m : models) {
                m.close();
            }
        }
    }
}
