package dev.jllm.bench;

import dev.jllm.runtime.engine.GenerationOptions;
import dev.jllm.runtime.engine.GenerationResult;
import dev.jllm.runtime.engine.Generator;
import dev.jllm.runtime.engine.LocalModel;
import dev.jllm.runtime.engine.LocalSettings;
import dev.jllm.runtime.engine.TokenListener;
import dev.jllm.runtime.sampling.SamplingParams;
import dev.jllm.runtime.sampling.grammar.Grammar;
import dev.jllm.runtime.sampling.grammar.GrammarMatcher;
import dev.jllm.runtime.sampling.grammar.TokenTrie;
import dev.jllm.runtime.sampling.grammar.JsonSchemaGrammar;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Constrained (JSON schema) against free decoding, side by side in one JVM: {@code ConstrainedDecoding --model
 * FILE [--threads 2] [--tokens 64] [--rounds 3]}. Each round runs, back to back, a free and a constrained
 * generation, greedy and sampled (seeded), from the same prompt, and reports decode tokens/s (after the first
 * token) and whole tokens/s (wall time of the call: prompt, vocabulary trie and first mask included). The schema is an open-ended list of records
 * (strings, bounded integers, nested arrays), so the grammar keeps moving through different states.
 */
public final class ConstrainedDecoding {
    private ConstrainedDecoding() {
    }

    static final Map<String, Object> SCHEMA = Map.of("type", "array", "items", Map.of(
            "type", "object",
            "properties", Map.of(
                    "name", Map.of("type", "string", "maxLength", 24),
                    "age", Map.of("type", "integer", "minimum", 0, "maximum", 150),
                    "tags", Map.of("type", "array", "items", Map.of("type", "string", "maxLength", 10), "maxItems", 3),
                    "ok", Map.of("type", "boolean")),
            "required", List.of("name", "age", "tags", "ok")));

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args, Set.of("model", "threads", "tokens", "rounds"));
        int threads = Args.integer(a, "threads", 2);
        int tokens = Args.integer(a, "tokens", 64);
        int rounds = Args.integer(a, "rounds", 3);
        LocalSettings settings = new LocalSettings(threads, 1024, 512, 1, -1, 0);
        Grammar grammar = JsonSchemaGrammar.compile(SCHEMA, "schema");
        try (LocalModel m = LocalModel.load("bench", Path.of(Args.require(a, "model")), settings)) {
            int[] prompt = m.tokenizer().encode("List some people as JSON:", true, false);
            System.out.printf("%s, %d threads, up to %d tokens, vocabulary %d, prompt %d tokens%n",
                    m.path().getFileName(), threads, tokens, m.tokenizer().vocabSize(), prompt.length);
            SamplingParams greedy = SamplingParams.greedy();
            SamplingParams sampled = SamplingParams.defaults().withSeed(42);
            // warm-up: compile the kernels and the matcher
            for (int i = 0; i < 2; i++) {
                run(m, prompt, new GenerationOptions(16, sampled, -1));
                run(m, prompt, new GenerationOptions(16, sampled, -1, grammar));
            }
            double[] sum = new double[8];
            long replayNanos = 0;
            long replayTokens = 0;
            long decodeNanos = 0;
            for (int r = 1; r <= rounds; r++) {
                double[] row = new double[8];
                int k = 0;
                for (SamplingParams p : new SamplingParams[] {greedy, sampled.withSeed(42 + r)}) {
                    long t0 = System.nanoTime();
                    GenerationResult free = run(m, prompt, new GenerationOptions(tokens, p, -1));
                    long t1 = System.nanoTime();
                    GenerationResult json = run(m, prompt, new GenerationOptions(tokens, p, -1, grammar));
                    long t2 = System.nanoTime();
                    row[k++] = free.decodeTokensPerSecond();
                    row[k++] = json.decodeTokensPerSecond();
                    row[k++] = free.tokens().length * 1e9 / (t1 - t0);
                    row[k++] = json.tokens().length * 1e9 / (t2 - t1);
                    // the grammar's own work for these tokens, replayed on a fresh matcher (empty mask cache)
                    replayNanos += replay(m, grammar, json.tokens());
                    replayTokens += json.tokens().length;
                    decodeNanos += free.decodeNanos() / Math.max(1, free.tokens().length - 1) * json.tokens().length;
                    if (r == 1) {
                        String shown = json.text().length() > 100 ? json.text().substring(0, 100) + "..." : json.text();
                        System.out.printf("  %s constrained: %d tokens, %s: %s%n", p.isGreedy() ? "greedy" : "sampled",
                                json.tokens().length, json.finishReason().wireName(), shown.replace("\n", "\\n"));
                    }
                }
                System.out.printf("round %d decode tok/s: greedy free %.2f, json %.2f (%.3f) | sampled free %.2f,"
                                + " json %.2f (%.3f); whole: greedy %.3f, sampled %.3f%n", r, row[0], row[1],
                        row[1] / row[0], row[4], row[5], row[5] / row[4], row[3] / row[2], row[7] / row[6]);
                for (int i = 0; i < 8; i++) {
                    sum[i] += row[i];
                }
            }
            System.out.printf("mean constrained / free: decode greedy %.3f, sampled %.3f; whole greedy %.3f,"
                    + " sampled %.3f%n", sum[1] / sum[0], sum[5] / sum[4], sum[3] / sum[2], sum[7] / sum[6]);
            System.out.printf("grammar work (mask + accept, fresh cache) %.3f ms/token against %.1f ms/token of free"
                    + " decoding: %.2f%% of a token's time%n", replayNanos / 1e6 / replayTokens,
                    decodeNanos / 1e6 / replayTokens, 100.0 * replayNanos / decodeNanos);
        }
    }

    /** Nanoseconds to mask and accept {@code tokens} one by one, as the sampler does, from a fresh matcher. */
    private static long replay(LocalModel m, Grammar grammar, int[] tokens) {
        GrammarMatcher matcher = grammar.matcher(TokenTrie.of(m.tokenizer(), m.endOfGenerationTokens()));
        long[] mask = new long[(m.tokenizer().vocabSize() + 63) >>> 6];
        long t0 = System.nanoTime();
        for (int t : tokens) {
            matcher.allowedTokens(mask);
            if ((mask[t >>> 6] >>> (t & 63) & 1) == 0 || !matcher.acceptToken(t)) {
                throw new IllegalStateException("token " + t + " replayed outside the grammar");
            }
        }
        return System.nanoTime() - t0;
    }

    private static GenerationResult run(LocalModel m, int[] prompt, GenerationOptions o) {
        return Generator.generate(m, prompt, o, TokenListener.IGNORE);
    }
}
