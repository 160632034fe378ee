package dev.jllm.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Load against a running OpenAI-compatible server ({@code jllm serve}), streaming {@code /v1/chat/completions}:
 *
 * <pre>
 * LoadGenerator --url http://127.0.0.1:8080 [--model NAME] [--scenario all|throughput|overload|prefix]
 *               [--max-tokens 64] [--rounds 3] [--streams 4] [--clients 16] [--history-words 380]
 * </pre>
 *
 * <ul>
 *   <li>{@code throughput}: aggregate generated tokens/s of one stream, then of {@code --streams} concurrent
 *       streams, alternating for {@code --rounds} rounds after a warm-up; reports the ratio.</li>
 *   <li>{@code overload}: {@code --clients} concurrent streams at once; every one must complete.</li>
 *   <li>{@code prefix}: a chat with a long history (about 500 tokens), then its next turn; reports the second
 *       turn's time to first token over the first's (the server's prefix cache at work).</li>
 * </ul>
 * Greedy requests (temperature 0); every stream asks for its usage. Exit status 1 if any request failed.
 */
public final class LoadGenerator {

    private static final String[] WORDS = ("the a little girl boy dog cat went to park played with ball and saw big "
            + "red tree sun sky happy friend mom dad said let us go home garden flower bird sang song day night "
            + "ran fast jumped over small river found shiny stone gave it her brother who smiled").split(" ");

    private final ChatStreamClient client;
    private final int maxTokens;
    private boolean failed;

    private LoadGenerator(ChatStreamClient client, int maxTokens) {
        this.client = client;
        this.maxTokens = maxTokens;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = Args.parse(args, Set.of("url", "model", "scenario", "max-tokens", "rounds", "streams",
                "clients", "history-words"));
        LoadGenerator g = new LoadGenerator(new ChatStreamClient(a.getOrDefault("url", "http://127.0.0.1:8080"),
                a.get("model")), Integer.parseInt(a.getOrDefault("max-tokens", "64")));
        String scenario = a.getOrDefault("scenario", "all");
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));
        List<String> summary = new ArrayList<>();
        if (scenario.equals("all") || scenario.equals("throughput")) {
            summary.add(g.throughput(Integer.parseInt(a.getOrDefault("streams", "4")), rounds));
        }
        if (scenario.equals("all") || scenario.equals("overload")) {
            summary.add(g.overload(Integer.parseInt(a.getOrDefault("clients", "16"))));
        }
        if (scenario.equals("all") || scenario.equals("prefix")) {
            summary.add(g.prefix(Integer.parseInt(a.getOrDefault("history-words", "380")), rounds));
        }
        System.out.println();
        System.out.println("== summary");
        summary.forEach(System.out::println);
        System.exit(g.failed ? 1 : 0);
    }

    // ------------------------------------------------------------------ throughput

    private String throughput(int streams, int rounds) throws Exception {
        System.out.printf("== throughput: 1 stream vs %d concurrent streams, %d tokens each, %d rounds%n", streams,
                maxTokens, rounds);
        concurrent(1, Math.min(16, maxTokens), "warm-up");
        concurrent(streams, Math.min(16, maxTokens), "warm-up");
        long singleTokens = 0;
        long singleNanos = 0;
        long multiTokens = 0;
        long multiNanos = 0;
        for (int r = 1; r <= rounds; r++) {
            Batch one = concurrent(1, maxTokens, "round " + r + " x1");
            Batch many = concurrent(streams, maxTokens, "round " + r + " x" + streams);
            singleTokens += one.tokens;
            singleNanos += one.wallNanos;
            multiTokens += many.tokens;
            multiNanos += many.wallNanos;
        }
        double single = singleTokens * 1e9 / singleNanos;
        double multi = multiTokens * 1e9 / multiNanos;
        return String.format("throughput: 1 stream %.2f tok/s, %d streams %.2f tok/s aggregate: ratio %.2fx",
                single, streams, multi, multi / single);
    }

    private record Batch(long tokens, long wallNanos, List<ChatStreamClient.Result> results) {
    }

    /** {@code n} streams started together; the aggregate rate counts every generated token over the wall time. */
    private Batch concurrent(int n, int tokens, String label) throws Exception {
        List<ChatStreamClient.Result> results = runConcurrently(n, i -> List.of(
                new ChatStreamClient.Message("user", "Tell me story number " + i + " about " + WORDS[i % WORDS.length]
                        + " and " + WORDS[(7 * i + 3) % WORDS.length] + ".")), tokens);
        long start = results.stream().mapToLong(ChatStreamClient.Result::startNanos).min().orElse(0);
        long end = results.stream().mapToLong(r -> r.startNanos() + r.totalNanos()).max().orElse(0);
        long generated = results.stream().mapToLong(r -> Math.max(0, r.completionTokens())).sum();
        System.out.printf("  %-16s %3d tokens in %6.2f s: %6.2f tok/s  (ttft %s)%n", label, generated,
                (end - start) / 1e9, generated * 1e9 / (end - start), ttfts(results));
        return new Batch(generated, end - start, results);
    }

    // ------------------------------------------------------------------ overload

    private String overload(int clients) throws Exception {
        System.out.printf("== overload: %d concurrent clients, %d tokens each%n", clients, Math.min(maxTokens, 32));
        List<ChatStreamClient.Result> results = runConcurrently(clients, i -> List.of(
                new ChatStreamClient.Message("user", "Client " + i + " asks for a story about a " + WORDS[i % WORDS.length])),
                Math.min(maxTokens, 32));
        Map<Integer, Integer> statuses = new TreeMap<>();
        int ok = 0;
        for (ChatStreamClient.Result r : results) {
            statuses.merge(r.status(), 1, Integer::sum);
            if (r.ok() && r.completionTokens() > 0) {
                ok++;
            } else {
                System.out.println("  failed: " + r.status() + " " + r.error());
            }
        }
        long start = results.stream().mapToLong(ChatStreamClient.Result::startNanos).min().orElse(0);
        long end = results.stream().mapToLong(r -> r.startNanos() + r.totalNanos()).max().orElse(0);
        System.out.printf("  statuses %s, %d of %d completed in %.2f s; ttft %s%n", statuses, ok, clients,
                (end - start) / 1e9, ttfts(results));
        return String.format("overload: %d of %d concurrent clients completed, statuses %s", ok, clients, statuses);
    }

    // ------------------------------------------------------------------ prefix

    private String prefix(int historyWords, int rounds) {
        System.out.printf("== prefix: a chat with a %d-word history, then its next turn; %d rounds%n", historyWords, rounds);
        conversation(historyWords, -1); // warm-up
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            ratios[r] = conversation(historyWords, r);
        }
        Arrays.sort(ratios);
        return String.format("prefix: second-turn ttft / first-turn ttft, median of %d: %.3f (all: %s)", rounds,
                ratios[rounds / 2], Arrays.toString(Arrays.stream(ratios).map(x -> Math.round(x * 1000) / 1000.0).toArray()));
    }

    private double conversation(int historyWords, int round) {
        long salt = System.nanoTime(); // a history no earlier run put in the server's cache
        List<ChatStreamClient.Message> chat = new ArrayList<>();
        chat.add(new ChatStreamClient.Message("system", "You are a storyteller (session " + salt + ")."));
        java.util.SplittableRandom random = new java.util.SplittableRandom(salt);
        int words = 0;
        for (int turn = 0; words < historyWords; turn++) {
            StringBuilder sb = new StringBuilder();
            for (int w = 0; w < 40 && words < historyWords; w++, words++) {
                sb.append(w == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
            }
            chat.add(new ChatStreamClient.Message(turn % 2 == 0 ? "user" : "assistant", sb.append('.').toString()));
        }
        if (chat.getLast().role().equals("user")) {
            chat.add(new ChatStreamClient.Message("assistant", "Yes."));
        }
        chat.add(new ChatStreamClient.Message("user", "Tell me what happened next."));
        ChatStreamClient.Result first = client.stream(chat, 16);
        check(first);
        List<ChatStreamClient.Message> next = new ArrayList<>(chat);
        next.add(new ChatStreamClient.Message("assistant", first.text()));
        next.add(new ChatStreamClient.Message("user", "And then?"));
        ChatStreamClient.Result second = client.stream(next, 16);
        check(second);
        double ratio = (double) second.ttftNanos() / first.ttftNanos();
        System.out.printf("  %-8s turn 1: %4d prompt tokens (%4d cached), ttft %7.1f ms; turn 2: %4d prompt tokens "
                        + "(%4d cached), ttft %7.1f ms; ratio %.3f%n", round < 0 ? "warm-up" : "round " + (round + 1),
                first.promptTokens(), first.cachedTokens(), first.ttftNanos() / 1e6, second.promptTokens(),
                second.cachedTokens(), second.ttftNanos() / 1e6, ratio);
        return ratio;
    }

    // ------------------------------------------------------------------ helpers

    private interface Messages {
        List<ChatStreamClient.Message> of(int client);
    }

    private List<ChatStreamClient.Result> runConcurrently(int n, Messages messages, int tokens) throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ChatStreamClient.Result>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> client.stream(messages.of(index), tokens)));
            }
            List<ChatStreamClient.Result> results = new ArrayList<>();
            for (Future<ChatStreamClient.Result> f : futures) {
                results.add(check(f.get()));
            }
            return results;
        }
    }

    private ChatStreamClient.Result check(ChatStreamClient.Result r) {
        if (!r.ok()) {
            failed = true;
            System.out.println("  request failed: status " + r.status() + ": " + r.error());
        }
        return r;
    }

    private static String ttfts(List<ChatStreamClient.Result> results) {
        long[] t = results.stream().mapToLong(ChatStreamClient.Result::ttftNanos).sorted().toArray();
        return t.length == 1 ? String.format("%.0f ms", t[0] / 1e6)
                : String.format("min %.0f ms, max %.0f ms", t[0] / 1e6, t[t.length - 1] / 1e6);
    }
}
