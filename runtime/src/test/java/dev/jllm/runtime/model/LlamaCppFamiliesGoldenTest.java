package dev.jllm.runtime.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.kv.KvCache;
import dev.jllm.runtime.kv.KvType;
import dev.jllm.runtime.synth.ModelShape;
import dev.jllm.runtime.synth.SyntheticModelWriter;
import dev.jllm.runtime.synth.WeightMix;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each new architecture family against llama.cpp without llama.cpp at test time: {@code jllm synth} writes a small
 * model of the family's layout (seed 1) into {@code target/}, byte-identical to the file llama.cpp ran (its SHA-256
 * is in the golden), and the engine, fed llama.cpp's greedy tokens one by one, must pick llama.cpp's token at every
 * step where llama.cpp's top-1/top-2 gap is decisive, with the top logit close to llama.cpp's.
 *
 * <p>The goldens ({@code llamacpp-families/*.txt}) were recorded with the program in {@code greedy.cpp.txt} beside
 * them (llama.cpp 82bb485, F32 KV cache, no flash attention). F32 weights agree to 1e-6 (7e-4 for Gemma, whose GELU
 * ggml reads from a half-precision table); with Q8_0 weights llama.cpp also rounds the activations to Q8_0, which
 * moves its logits by up to 0.3 (Granite's logit and embedding multipliers magnify it), hence the wider bounds.
 *
 * <p>The {@code kv_f16} and {@code kv_q8_0} goldens ran the same program with {@code KV=f16} / {@code KV=q8_0}: that
 * cache type with flash attention (llama.cpp needs it for a quantized V cache). The Gemma models are the small
 * families whose heads (32 wide) fit Q8_0 blocks. llama.cpp's own top logits move by up to 0.0016 (F16) and 0.027
 * (Q8_0) from its F32 run; it also rounds the queries to the cache type, jllm does not, so the two may move in
 * opposite directions: the bounds are twice llama.cpp's own shift plus the F32 bound (0.005 for F16), and twice
 * its shift (0.06) for Q8_0, the decisive gap the same.
 */
class LlamaCppFamiliesGoldenTest {

    @ParameterizedTest(name = "{0} {1} ctx {2} kv {5}")
    @CsvSource({
            "phi3-small, F32, 256, 0.005, 0.002, f32",      // LongRoPE short factors, partial rotary, fused tensors
            "phi3-small, F32, 512, 0.005, 0.002, f32",      // the long factors (context beyond the original 256)
            "gemma2-small, F32, 512, 0.005, 0.002, f32",
            "gemma3-small, F32, 512, 0.005, 0.002, f32",
            "granite-small, F32, 512, 0.005, 0.002, f32",
            "qwen3moe-small, F32, 512, 0.005, 0.002, f32",
            "mixtral-small, F32, 512, 0.005, 0.002, f32",
            "phi3-small, Q8_0, 256, 0.1, 0.3, f32",
            "phi3-small, Q8_0, 512, 0.1, 0.3, f32",
            "gemma2-small, Q8_0, 512, 0.1, 0.3, f32",
            "gemma3-small, Q8_0, 512, 0.1, 0.3, f32",
            "granite-small, Q8_0, 512, 0.1, 0.3, f32",
            "qwen3moe-small, Q8_0, 512, 0.1, 0.3, f32",
            "mixtral-small, Q8_0, 512, 0.1, 0.3, f32",
            "gemma2-small, F32, 512, 0.005, 0.005, f16",
            "gemma3-small, F32, 512, 0.005, 0.005, f16",
            "gemma2-small, F32, 512, 0.06, 0.06, q8_0",
            "gemma3-small, F32, 512, 0.06, 0.06, q8_0"})
    void greedyTokensAgreeWithLlamaCpp(String shape, String type, int ctx, double decisiveGap, double logitTolerance,
                                       String kvType) throws Exception {
        KvType kv = KvType.parse(kvType);
        Recorded golden = Recorded.load(shape + "-" + type + "-ctx" + ctx + (kv == KvType.F32 ? "" : "-kv_" + kv) + ".txt");
        Path file = Path.of("target", "synth-families", shape + "-" + type + ".gguf");
        Files.createDirectories(file.getParent());
        new SyntheticModelWriter(ModelShape.named(shape), WeightMix.parse(type), 1, null).write(file);
        assertThat(sha256(file)).as("the synth file is the one llama.cpp ran").isEqualTo(golden.sha256);
        assertThat(golden.ctx).isEqualTo(ctx);

        for (EngineOptions options : List.of(EngineOptions.defaults().withThreads(2), new EngineOptions(1, false, 16_384))) {
            try (GgufFile gguf = GgufFile.open(file); LlamaModel model = LlamaModel.load(gguf, options)) {
                KvCache cache = model.newKvCache(ctx, 64L << 20, kv);
                float[] logits = model.forward(Batch.ofPrompt(golden.prompt, 0, 0), cache).get(golden.prompt.length - 1);
                int decisive = 0;
                for (int step = 0; step < golden.tokens.length; step++) {
                    int best = GreedyDecoder.argmax(logits);
                    if (golden.gaps[step] > decisiveGap) {
                        decisive++;
                        assertThat(best).as("%s step %d (llama.cpp gap %.4f)", options, step, golden.gaps[step])
                                .isEqualTo(golden.tokens[step]);
                    }
                    assertThat((double) logits[golden.tokens[step]]).as("%s step %d: logit of llama.cpp's token", options, step)
                            .isCloseTo(golden.tops[step], org.assertj.core.api.Assertions.within(logitTolerance));
                    logits = model.forward(new Batch().add(golden.tokens[step], golden.prompt.length + step, 0, true), cache)
                            .get(0);
                }
                assertThat(decisive).as("at least half the steps are decisive").isGreaterThanOrEqualTo(golden.tokens.length / 2);
            }
        }
    }

    /** Gemma files set {@code tokenizer.ggml.add_space_prefix = false}: ids from llama-tokenize on the same file. */
    @org.junit.jupiter.api.Test
    void gemmaFilesTokenizeWithoutASpacePrefixAsLlamaCppDoes() throws Exception {
        Path file = Path.of("target", "synth-families", "gemma3-small-F32.gguf");
        Files.createDirectories(file.getParent());
        new SyntheticModelWriter(ModelShape.named("gemma3-small"), WeightMix.parse("F32"), 1, null).write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertThat(gguf.bool("tokenizer.ggml.add_space_prefix", true)).isFalse();
            var tokenizer = dev.jllm.runtime.tokenizer.Tokenizers.fromGguf(gguf);
            // llama-tokenize -m gemma3-small-F32.gguf -p "Hello world" --ids
            assertThat(tokenizer.encode("Hello world", true, false))
                    .containsExactly(1, 75, 104, 111, 111, 114, 229, 153, 132, 122, 114, 117, 111, 103);
            assertThat(tokenizer.encode("t301 t302", true, false))
                    .containsExactly(1, 119, 54, 51, 52, 229, 153, 132, 119, 54, 51, 53);
        }
    }


    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    /** A golden file: header lines ({@code # file sha256}, {@code # ctx}, {@code # prompt}), then one line per step. */
    private record Recorded(String sha256, int ctx, int[] prompt, int[] tokens, double[] gaps, double[] tops) {

        static Recorded load(String name) throws IOException {
            String text;
            try (InputStream in = LlamaCppFamiliesGoldenTest.class.getResourceAsStream("/llamacpp-families/" + name)) {
                assertThat(in).as(name).isNotNull();
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String sha = null;
            int ctx = 0;
            int[] prompt = null;
            List<double[]> steps = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.startsWith("# file sha256 ")) {
                    sha = line.substring("# file sha256 ".length()).strip();
                } else if (line.startsWith("# ctx ")) {
                    ctx = Integer.parseInt(line.substring(6).strip());
                } else if (line.startsWith("# prompt ")) {
                    prompt = Arrays.stream(line.substring(9).strip().split(" ")).mapToInt(Integer::parseInt).toArray();
                } else if (!line.startsWith("#") && !line.isBlank()) {
                    steps.add(Arrays.stream(line.strip().split(" ")).mapToDouble(Double::parseDouble).toArray());
                }
            }
            int[] tokens = steps.stream().mapToInt(s -> (int) s[0]).toArray();
            return new Recorded(sha, ctx, prompt, tokens, steps.stream().mapToDouble(s -> s[1]).toArray(),
                    steps.stream().mapToDouble(s -> s[2]).toArray());
        }
    }
}
