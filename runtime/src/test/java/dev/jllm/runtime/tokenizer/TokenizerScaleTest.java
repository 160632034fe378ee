package dev.jllm.runtime.tokenizer;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.testing.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loading large vocabularies and encoding long inputs. Times are printed for information; the bounds only
 * catch accidental quadratic behaviour (they are far above the expected times, so a busy machine does not
 * fail them).
 */
class TokenizerScaleTest {

    @ParameterizedTest
    @ValueSource(strings = {"llama-spm", "gpt-2", "falcon", "deepseek-llm", "bert-bge", "gpt-neox", "baichuan"})
    void largeVocabulariesLoadQuickly(String name) throws Exception {
        var gguf = TestData.require("vocab/ggml-vocab-" + name + ".gguf");
        long best = Long.MAX_VALUE;
        long bestBuild = Long.MAX_VALUE;
        Tokenizer tok = null;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            try (GgufFile f = GgufFile.open(gguf)) {
                VocabData data = Tokenizers.vocabData(f);
                long t1 = System.nanoTime();
                tok = Tokenizers.fromVocab(data);
                bestBuild = Math.min(bestBuild, System.nanoTime() - t1);
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("load %-13s %6d tokens: %4d ms with GGUF read, %4d ms tokenizer build (best of 3)%n", name,
                tok.vocabSize(), best / 1_000_000, bestBuild / 1_000_000);
        assertThat(best / 1_000_000).isLessThan(5_000);
        // vocabularies without test vectors must at least give their text back
        String text = "Hello world, it's 2024! Ünïcödé 中文 🦙 \t\n done";
        int[] ids = tok.encode(text, false, false);
        if (tok.type() == VocabType.BPE) {
            assertThat(tok.decode(ids)).isEqualTo(text);
        } else if (tok.type() == VocabType.SPM) {
            assertThat(tok.detokenize(ids, false, false)).isEqualTo(text);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-spm", "gpt-2", "deepseek-llm", "falcon", "bert-bge"})
    void longInputsEncodeInNearLinearTime(String name) throws Exception {
        Tokenizer tok = VocabVectors.tokenizer(name);
        String prose = String.join(" ", VocabVectors.load(name).inputs());
        StringBuilder sb = new StringBuilder();
        while (sb.length() < 400_000) {
            sb.append(prose).append('\n');
        }
        String big = sb.toString();
        String word = "ab".repeat(50_000) + "🦙".repeat(2_000); // one 104k-character "word": worst case for merging
        Random rnd = new Random(7);
        StringBuilder noise = new StringBuilder();
        while (noise.length() < 50_000) {
            int cp = 0x20 + rnd.nextInt(0x3000);
            if (cp != 0x2581) { // SentencePiece's space marker reads back as a space: not lossless by design
                noise.appendCodePoint(cp);
            }
        }
        for (String text : new String[] {big, word, noise.toString()}) {
            long t0 = System.nanoTime();
            int[] ids = tok.encode(text, false, false);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("encode %-13s %7d chars -> %7d tokens: %5d ms%n", name, text.length(), ids.length, ms);
            assertThat(ms).isLessThan(30_000);
            if (tok.type() == VocabType.BPE) {
                assertSameText(tok.decode(ids), text);
            } else if (tok.type() == VocabType.SPM) {
                assertSameText(tok.detokenize(ids, false, false), text);
            } else {
                assertThat(ids).isNotEmpty();
            }
        }
    }

    /** Equality without dumping megabytes into the report: names the first difference. */
    private static void assertSameText(String actual, String expected) {
        int i = 0;
        while (i < Math.min(actual.length(), expected.length()) && actual.charAt(i) == expected.charAt(i)) {
            i++;
        }
        if (i < actual.length() || i < expected.length()) {
            int from = Math.max(0, i - 20);
            throw new AssertionError("texts differ at char " + i + " (lengths " + actual.length() + " vs "
                    + expected.length() + "): actual ..." + actual.substring(from, Math.min(actual.length(), i + 20))
                    + "... expected ..." + expected.substring(from, Math.min(expected.length(), i + 20)) + "...");
        }
    }
}
