package dev.jllm.runtime.tokenizer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every llama.cpp tokenizer vector (46 strings x 10 vocabularies) must give exactly llama.cpp's ids with
 * add_special = false and parse_special = false, and decoding must give the text back where the tokenizer is
 * lossless.
 */
class TokenizerVectorsTest {

    @ParameterizedTest
    @ValueSource(strings = {"llama-spm", "phi-3", "gpt-2", "falcon", "deepseek-coder", "deepseek-llm", "starcoder",
            "refact", "mpt", "bert-bge"})
    void encodesLikeLlamaCpp(String name) throws Exception {
        VocabVectors vv = VocabVectors.load(name);
        List<String> failures = new ArrayList<>();
        int pass = 0;
        for (int i = 0; i < vv.inputs().size(); i++) {
            String s = vv.inputs().get(i);
            int[] got = vv.tokenizer().encode(s, false, false);
            if (Arrays.equals(got, vv.expected().get(i))) {
                pass++;
            } else {
                failures.add("#" + i + " " + quote(s) + "\n   expected " + Arrays.toString(vv.expected().get(i))
                        + "\n   got      " + Arrays.toString(got));
            }
        }
        long best = Long.MAX_VALUE;
        int tokens = 0;
        for (int round = 0; round < 20; round++) {
            long t0 = System.nanoTime();
            tokens = 0;
            for (String s : vv.inputs()) {
                tokens += vv.tokenizer().encode(s, false, false).length;
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        System.out.printf("vocab %-15s %d/%d vectors pass; corpus encode %d us (best of 20, %d tokens)%n",
                name, pass, vv.inputs().size(), best / 1000, tokens);
        assertThat(failures).as(name + " mismatches").isEmpty();
    }

    /** Byte-level BPE loses nothing: the pieces concatenated are the input. */
    @ParameterizedTest
    @ValueSource(strings = {"gpt-2", "falcon", "deepseek-coder", "deepseek-llm", "starcoder", "refact", "mpt"})
    void byteLevelBpeDecodesToTheInput(String name) throws Exception {
        VocabVectors vv = VocabVectors.load(name);
        for (String s : vv.inputs()) {
            int[] ids = vv.tokenizer().encode(s, false, false);
            assertThat(vv.tokenizer().decode(ids)).as(quote(s)).isEqualTo(s);
            assertThat(streamed(vv.tokenizer(), ids)).as(quote(s)).isEqualTo(s);
        }
    }

    /**
     * SentencePiece adds a space in front of the text. The raw pieces keep it; llama_detokenize strips it
     * from the first token, except after BOS (llama.cpp keeps it there, also with remove_special).
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama-spm", "phi-3"})
    void sentencePieceDecodesToTheInputPlusItsSpacePrefix(String name) throws Exception {
        VocabVectors vv = VocabVectors.load(name);
        Tokenizer tok = vv.tokenizer();
        for (String s : vv.inputs()) {
            String prefixed = s.isEmpty() ? "" : " " + s;
            int[] ids = tok.encode(s, false, false);
            assertThat(tok.decode(ids)).as(quote(s)).isEqualTo(prefixed);
            assertThat(streamed(tok, ids)).as(quote(s)).isEqualTo(prefixed);
            assertThat(tok.detokenize(ids, false, false)).as(quote(s)).isEqualTo(s);

            int[] withBos = tok.encode(s, true, false);
            assertThat(withBos[0]).isEqualTo(tok.bos());
            assertThat(tok.detokenize(withBos, true, false)).as(quote(s)).isEqualTo(prefixed);
            assertThat(tok.detokenize(withBos, false, true)).as(quote(s)).isEqualTo("<s>" + prefixed);
        }
    }

    static String streamed(Tokenizer tok, int[] ids) {
        StreamingDecoder d = tok.newStreamingDecoder();
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.append(d.accept(id));
        }
        return sb.append(d.finish()).toString();
    }

    static String quote(String s) {
        return "\"" + s.replace("\n", "\\n").replace("\t", "\\t") + "\"";
    }
}
