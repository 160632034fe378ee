package dev.jllm.bench;

import dev.jllm.api.Llm;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.CompletionRequest;
import dev.jllm.jlama.JlamaConfig;
import dev.jllm.providers.LlmServiceMain;
import dev.jllm.runtime.synth.ModelShape;
import dev.jllm.runtime.synth.SyntheticModelWriter;
import dev.jllm.runtime.synth.WeightMix;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code local} and {@code jlama} instance types on the same Hugging Face directory, as a user reaches them
 * (LlmServiceMain, a raw greedy completion of {@code --n} tokens after the prompt), runs interleaved so both see the
 * same machine load. Prints the median tokens/s of each (prompt and generation together: the prompt is short) and whether
 * their greedy texts agree.
 *
 * <pre>
 * bench/run EngineComparison --model DIR [--n 32] [--runs 3] [--threads 2] [--prompt "Once upon a time"]
 * bench/run EngineComparison --shape tinyllama-1.1b --tokenizer tokenizer.json --work /tmp/cmp ...   (writes BF16
 *     synthetic weights of the shape first, as JlamaComparison does)
 * </pre>
 */
public final class EngineComparison {

    private EngineComparison() { }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = Args.parse(argv, Set.of("model", "shape", "tokenizer", "work", "n", "runs", "threads",
                "prompt"));
        int n = Args.integer(a, "n", 32);
        int runs = Args.integer(a, "runs", 3);
        int threads = Args.integer(a, "threads", 2);
        String prompt = a.getOrDefault("prompt", "Once upon a time");
        Path dir;
        if (a.containsKey("model")) {
            dir = Path.of(a.get("model"));
        } else {
            ModelShape shape = ModelShape.named(Args.require(a, "shape"));
            dir = Path.of(a.getOrDefault("work", "/tmp/jllm-engines")).resolve(shape.name() + "-hf-bf16-s1");
            if (!Files.exists(dir.resolve("model.safetensors"))) {
                System.err.println("[engines] writing " + dir);
                HfSafetensorsWriter.write(new SyntheticModelWriter(shape, WeightMix.parse("F32"), 1, null), dir,
                        Path.of(Args.require(a, "tokenizer")));
            }
        }
        Path home = Files.createTempDirectory("jllm-engines-");
        try (LlmServiceMain service = new LlmServiceMain(home)) {
            Llm local = service.create("local", LocalConfig.of(dir.toString()).withThreads(threads));
            Llm jlama = service.create("jlama", JlamaConfig.of(dir.toString()).withThreads(threads));
            System.err.println("[engines] jlama kernels: " + jlama.info().details().get("kernels"));
            CompletionRequest r = CompletionRequest.of(prompt,
                    ChatCompletionRequest.builder().model(dir.toString()).temperature(0.0).maxTokens(n).build());
            String localText = local.complete(r).text();
            String jlamaText = jlama.complete(r).text();
            for (int i = 0; i < 2; i++) { // warm-up: the first completions run while C2 compiles
                local.complete(r);
                jlama.complete(r);
            }
            double[] l = new double[runs];
            double[] j = new double[runs];
            for (int i = 0; i < runs; i++) {
                l[i] = tokensPerSecond(local, r);
                j[i] = tokensPerSecond(jlama, r);
                System.err.printf(Locale.ROOT, "[engines] run %d: local %.2f t/s, jlama %.2f t/s%n", i + 1, l[i], j[i]);
            }
            double lm = median(l);
            double jm = median(j);
            System.out.printf(Locale.ROOT, "%s, %d threads, %d tokens after a %d-character prompt, median of %d runs%n",
                    dir.getFileName(), threads, n, prompt.length(), runs);
            System.out.printf(Locale.ROOT, "| model | local t/s | jlama t/s | local / jlama | same greedy text |%n");
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2fx | %s |%n", dir.getFileName(), lm, jm, lm / jm,
                    localText.equals(jlamaText) ? "yes"
                            : "no (common prefix " + commonPrefix(localText, jlamaText) + " chars)");
        }
        System.exit(0);
    }

    private static double tokensPerSecond(Llm llm, CompletionRequest r) {
        long t0 = System.nanoTime();
        ChatCompletion c = llm.complete(r);
        return c.usage().completionTokens() / ((System.nanoTime() - t0) / 1e9);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static int commonPrefix(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }
}
