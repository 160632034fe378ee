package dev.jllm.bench;

import dev.jllm.runtime.engine.GenerationOptions;
import dev.jllm.runtime.engine.GenerationResult;
import dev.jllm.runtime.engine.Generator;
import dev.jllm.runtime.engine.LocalModel;
import dev.jllm.runtime.engine.LocalSettings;
import dev.jllm.runtime.engine.TokenListener;
import dev.jllm.runtime.kv.KvCache;
import dev.jllm.runtime.model.Batch;
import dev.jllm.runtime.model.LlamaModel;
import dev.jllm.runtime.model.Logits;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * In-process decode throughput, without HTTP: {@code EngineThroughput --model FILE [--threads 2] [--tokens 64]
 * [--streams 4] [--rounds 3]}. Per round, side by side: bare forward passes of one sequence and of
 * {@code --streams} sequences in one batch (the kernels' own batching gain), then the scheduler with one
 * generation and with {@code --streams} concurrent ones (what the engine delivers, its overhead included).
 */
public final class EngineThroughput {
    private EngineThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args, Set.of("model", "threads", "tokens", "streams", "rounds"));
        int threads = Args.integer(a, "threads", 2);
        int tokens = Args.integer(a, "tokens", 64);
        int streams = Args.integer(a, "streams", 4);
        int rounds = Args.integer(a, "rounds", 3);
        LocalSettings settings = new LocalSettings(threads, 1024, 512, streams, -1, 0);
        try (LocalModel m = LocalModel.load("bench", Path.of(Args.require(a, "model")), settings)) {
            System.out.printf("%s, %d threads, %d tokens per sequence%n", m.path().getFileName(), threads, tokens);
            forward(m.network(), 1, 8);
            forward(m.network(), streams, 8);
            scheduled(m, 1, 8);
            scheduled(m, streams, 8);
            double[] sum = new double[4];
            for (int r = 1; r <= rounds; r++) {
                double f1 = forward(m.network(), 1, tokens);
                double fn = forward(m.network(), streams, tokens);
                double s1 = scheduled(m, 1, tokens);
                double sn = scheduled(m, streams, tokens);
                System.out.printf("round %d: forward x1 %6.2f tok/s, x%d %6.2f tok/s (%.2fx) | scheduler x1 %6.2f tok/s, "
                        + "x%d %6.2f tok/s (%.2fx)%n", r, f1, streams, fn, fn / f1, s1, streams, sn, sn / s1);
                sum[0] += f1;
                sum[1] += fn;
                sum[2] += s1;
                sum[3] += sn;
            }
            System.out.printf("mean: forward %.2fx, scheduler %.2fx; scheduler / forward: x1 %.3f, x%d %.3f%n",
                    sum[1] / sum[0], sum[3] / sum[2], sum[2] / sum[0], streams, sum[3] / sum[1]);
        }
    }

    /** Aggregate tokens/s of {@code n} sequences decoded in one batch per step by bare forward passes. */
    private static double forward(LlamaModel net, int n, int tokens) {
        KvCache kv = net.newKvCache(1024, 1L << 30);
        Batch batch = new Batch(n);
        for (int s = 0; s < n; s++) {
            batch.add(1, 0, s, true);
        }
        Logits out = net.forward(batch, kv);
        long t0 = System.nanoTime();
        for (int step = 1; step <= tokens; step++) {
            batch.clear();
            for (int s = 0; s < n; s++) {
                batch.add(argmax(out.get(s)), step, s, true);
            }
            out = net.forward(batch, kv);
        }
        return (double) n * tokens * 1e9 / (System.nanoTime() - t0);
    }

    /** Aggregate tokens/s of {@code n} concurrent greedy generations through the scheduler (prompt included). */
    private static double scheduled(LocalModel m, int n, int tokens) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<GenerationResult>> results = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                int[] prompt = {1, 100 + i};
                results.add(pool.submit(() -> Generator.generate(m, prompt, GenerationOptions.greedy(tokens),
                        TokenListener.IGNORE)));
            }
            long generated = 0;
            for (Future<GenerationResult> f : results) {
                generated += f.get().tokens().length;
            }
            return generated * 1e9 / (System.nanoTime() - t0);
        }
    }

    private static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
