package dev.jllm.bench;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.kv.KvCache;
import dev.jllm.runtime.kv.KvLayout;
import dev.jllm.runtime.kv.KvRows;
import dev.jllm.runtime.kv.KvType;
import dev.jllm.runtime.kv.SequenceCache;
import dev.jllm.runtime.model.Batch;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.model.LlamaModel;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.Set;

/**
 * Decode speed by KV cache type at a long context, side by side in one process: {@code KvTypeDecode --model FILE
 * [--threads 2] [--depth 2048] [--tokens 16] [--rounds 3]}. Each type's cache holds {@code depth} positions, then
 * {@code tokens} tokens are decoded one at a time after them, the types taking turns token by token, so a noisy
 * machine slows them alike. Prints tok/s per type and round, and the mean ratio to F32, with the KV bytes each
 * holds. Then the attention's reads alone (dot products with the keys, weighted sum of the values, one thread), the
 * part of a step the KV type changes.
 *
 * <p>The {@code depth} positions hold random keys and values (normal, unit scale), written through the type's
 * {@link KvRows} as a forward pass stores its rows: a decode step costs the same whatever they hold, and
 * evaluating a 2048-token prompt for each type would take longer than the measurement itself on a small machine.
 */
public final class KvTypeDecode {
    private KvTypeDecode() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args, Set.of("model", "threads", "depth", "tokens", "rounds"));
        int threads = Args.integer(a, "threads", 2);
        int depth = Args.integer(a, "depth", 2048);
        int tokens = Args.integer(a, "tokens", 16);
        int rounds = Args.integer(a, "rounds", 3);
        KvType[] types = KvType.values();
        try (GgufFile gguf = GgufFile.open(Path.of(Args.require(a, "model")));
             LlamaModel net = LlamaModel.load(gguf, EngineOptions.defaults().withThreads(threads))) {
            KvCache[] caches = new KvCache[types.length];
            for (int i = 0; i < types.length; i++) {
                caches[i] = net.newKvCache(depth + tokens, Long.MAX_VALUE, types[i]);
                fill(caches[i], depth);
                System.out.printf("%s: %d bytes per position and layer, %d bytes of KV pages at depth %d%n", types[i],
                        caches[i].layout().positionBytes(), caches[i].usedBytes(), depth);
            }
            System.out.printf("%s, %d threads, %d tokens decoded after %d positions%n", Path.of(a.get("model"))
                    .getFileName(), threads, tokens, depth);
            // warm-up: the JIT compiles each type's reads
            decode(net, caches, depth, Math.min(4, tokens), 1);
            double[] sum = new double[types.length];
            for (int r = 1; r <= rounds; r++) {
                double[] tps = decode(net, caches, depth, tokens, 1 + r);
                StringBuilder line = new StringBuilder("round " + r + ":");
                for (int i = 0; i < types.length; i++) {
                    sum[i] += tps[i];
                    line.append(String.format(" %s %6.3f tok/s", types[i], tps[i]));
                }
                System.out.println(line);
            }
            if (rounds > 0) {
                StringBuilder ratios = new StringBuilder("mean over rounds, ratio to f32:");
                for (int i = 0; i < types.length; i++) {
                    ratios.append(String.format(" %s %.3f", types[i], sum[i] / sum[0]));
                }
                System.out.println(ratios);
            }
            attentionReads(net, caches, depth);
        }
    }

    /**
     * The attention's own reads, without the rest of a decode step: for every layer and query head, the dot products
     * with the {@code depth} cached keys and the weighted sum of the values, on one thread, through each type's
     * vector {@link KvRows} on the caches' own pages; the best of 20 passes per type, the types taking turns.
     */
    private static void attentionReads(LlamaModel net, KvCache[] caches, int depth) {
        int hk = net.config().keyLength();
        int heads = net.config().headCount();
        int group = heads / net.config().headCountKv();
        float[] q = new float[heads * hk];
        gaussian(new SplittableRandom(3), q);
        float[] scores = new float[depth];
        float[] out = new float[heads * hk];
        double[] best = new double[caches.length];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        for (int pass = 0; pass < 20; pass++) {
            for (int c = 0; c < caches.length; c++) {
                KvLayout layout = caches[c].layout();
                KvRows rows = layout.rows(true);
                SequenceCache s = caches[c].sequence(0);
                long t0 = System.nanoTime();
                for (int l = 0; l < layout.layers(); l++) {
                    Object[] keys = s.keyPages(l);
                    Object[] values = s.valuePages(l);
                    for (int h = 0; h < heads; h++) {
                        int head = (h / group) * hk;
                        for (int p = 0; p < depth; p++) {
                            scores[p] = rows.dot(q, h * hk, keys[p >> s.pageShift()], s.offset(p) * layout.keyWidth() + head, hk);
                        }
                        for (int p = 0; p < depth; p++) {
                            rows.axpy(scores[p] * 1e-3f, values[p >> s.pageShift()], s.offset(p) * layout.valueWidth() + head,
                                    out, h * hk, hk);
                        }
                    }
                }
                best[c] = Math.min(best[c], (System.nanoTime() - t0) / 1e6);
            }
        }
        StringBuilder line = new StringBuilder("attention reads of one token, best of 20, one thread:");
        for (int c = 0; c < caches.length; c++) {
            line.append(String.format(" %s %.1f ms (%.2f)", caches[c].layout().type(), best[c], best[c] / best[0]));
        }
        System.out.println(line);
    }

    /** Sequence 0 of {@code kv} with {@code depth} positions of random rows in every layer. */
    private static void fill(KvCache kv, int depth) {
        KvLayout layout = kv.layout();
        KvRows rows = layout.rows(false);
        SplittableRandom rnd = new SplittableRandom(7);
        SequenceCache s = kv.sequence(0);
        s.reserve(depth);
        float[] k = new float[layout.keyWidth()];
        float[] v = new float[layout.valueWidth()];
        for (int l = 0; l < layout.layers(); l++) {
            for (int p = 0; p < depth; p++) {
                gaussian(rnd, k);
                gaussian(rnd, v);
                rows.store(k, 0, s.keyPages(l)[p >> s.pageShift()], s.offset(p) * k.length, k.length);
                rows.store(v, 0, s.valuePages(l)[p >> s.pageShift()], s.offset(p) * v.length, v.length);
            }
        }
        s.commit(depth);
    }

    private static void gaussian(SplittableRandom rnd, float[] out) {
        for (int i = 0; i < out.length; i++) {
            // Box-Muller: SplittableRandom has no nextGaussian of its own
            out[i] = (float) (Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble()));
        }
    }

    /**
     * Tokens/s of each cache's {@code tokens} decode steps after its {@code depth} positions (a sequence sharing
     * sequence 0's pages), the caches taking turns token by token so that the machine's swings hit them alike.
     */
    private static double[] decode(LlamaModel net, KvCache[] caches, int depth, int tokens, int sequence) {
        long[] nanos = new long[caches.length];
        for (KvCache kv : caches) {
            kv.share(0, sequence, depth);
        }
        for (int i = 0; i < tokens; i++) {
            for (int c = 0; c < caches.length; c++) {
                long t0 = System.nanoTime();
                net.forward(new Batch().add(1 + i, depth + i, sequence, true), caches[c]);
                nanos[c] += System.nanoTime() - t0;
            }
        }
        double[] tps = new double[caches.length];
        for (int c = 0; c < caches.length; c++) {
            caches[c].drop(sequence);
            tps[c] = tokens * 1e9 / nanos[c];
        }
        return tps;
    }
}
