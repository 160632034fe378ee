package dev.jllm.runtime.tokenizer;

import dev.jllm.models.ModelFormatException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tokenizers built from hand-made vocabularies: the algorithms' rules and the defaults, without test data. */
class VocabDataTest {
    private static final int NORMAL = 1;
    private static final int CONTROL = 3;
    private static final int BYTE = 6;

    /** &lt;unk&gt; &lt;s&gt; &lt;/s&gt;, byte tokens for 'a' 'b' 0xC3 0xA9, then pieces with scores. */
    private static VocabData spm() {
        String[] tokens = {"<unk>", "<s>", "</s>", "<0x61>", "<0x62>", "<0xC3>", "<0xA9>",
                "▁", "a", "b", "ab", "▁a", "▁ab", "ba", "aba"};
        float[] scores = {0, 0, 0, 0, 0, 0, 0, -1, -2, -2, -1.5f, -1, -0.5f, -1.5f, -3};
        int[] types = {2, CONTROL, CONTROL, BYTE, BYTE, BYTE, BYTE, NORMAL, NORMAL, NORMAL, NORMAL, NORMAL, NORMAL,
                NORMAL, NORMAL};
        return VocabData.of("llama", null, tokens, scores, types, null);
    }

    @Test
    void sentencePieceMergesHighestScoreFirstAndFallsBackToBytes() {
        Tokenizer tok = Tokenizers.fromVocab(spm());
        // "▁abab": "▁a"(-1) "ab"(-1.5) "ba"(-1.5): best first "▁a"; then "▁ab"(-0.5) beats "ba"; then "ab"
        assertThat(tok.encode("abab", false, false)).containsExactly(12, 10);
        // "é" is no token: its UTF-8 bytes go out as byte tokens
        assertThat(tok.encode("é", false, false)).containsExactly(7, 5, 6);
        assertThat(tok.decode(tok.encode("abé", true, false))).isEqualTo(" abé");
        assertThat(tok.detokenize(tok.encode("abé", false, false), false, false)).isEqualTo("abé");
    }

    @Test
    void equalScoresMergeLeftmostFirst() {
        // "bab": "ba"(-1.5) at 0 and "ab"(-1.5) at 1 tie: the left pair wins, leaving "ba" + "b"
        // (had "ab" won, "b" + "ab" would follow)
        Tokenizer tok = Tokenizers.fromVocab(spm().withFlag(VocabFlag.ADD_SPACE_PREFIX, false));
        assertThat(tok.encode("bab", false, false)).containsExactly(13, 9);
    }

    @Test
    void metadataOverridesDefaults() {
        Tokenizer tok = Tokenizers.fromVocab(spm().withFlag(VocabFlag.ADD_BOS, false).withFlag(VocabFlag.ADD_EOS, true)
                .withSpecialId(SpecialToken.EOS, 1));
        assertThat(tok.encode("a", true, false)).containsExactly(11, 1);
        assertThat(tok.eos()).isEqualTo(1);
        assertThat(tok.isEndOfGeneration(1)).isTrue();
        assertThat(tok.isEndOfGeneration(2)).as("</s> ends generation by its text").isTrue();
    }

    @Test
    void specialIdsOutsideTheVocabularyKeepTheDefault() {
        Tokenizer tok = Tokenizers.fromVocab(spm().withSpecialId(SpecialToken.BOS, 999).withSpecialId(SpecialToken.SEP, 99));
        assertThat(tok.bos()).isEqualTo(1);
        assertThat(tok.sep()).isEqualTo(-1);
    }

    @Test
    void byteLevelBpeMergesLowestRankFirst() {
        String[] tokens = {"a", "b", "c", "Ġ", "ab", "bc", "abc", "Ġa"};
        String[] merges = {"b c", "a b", "a bc", "Ġ a"};
        Tokenizer tok = Tokenizers.fromVocab(VocabData.of("gpt2", "gpt-2", tokens, null, null, merges));
        // rank 0 "b c" first, then "a bc" -> "abc"; "ab" (rank 1) never applies
        assertThat(tok.encode("abc", false, false)).containsExactly(6);
        assertThat(tok.encode("ab a", false, false)).containsExactly(4, 7);
        assertThat(tok.decode(new int[] {4, 7})).isEqualTo("ab a");
        // 'd' is no token and has no byte token: llama.cpp drops it, so do we
        assertThat(tok.encode("ad", false, false)).containsExactly(0);
    }

    @Test
    void wordPieceMatchesLongestPiecesAndFallsBackToUnknown() {
        String[] tokens = new String[104];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = "[unused" + i + "]";
        }
        tokens[0] = "[PAD]";
        tokens[100] = "[UNK]";
        tokens[101] = "[CLS]";
        tokens[102] = "[SEP]";
        tokens[103] = "[MASK]";
        String[] words = {"▁un", "▁unaffable", "aff", "able", "▁!", "▁cafe"};
        String[] all = java.util.Arrays.copyOf(tokens, tokens.length + words.length);
        System.arraycopy(words, 0, all, tokens.length, words.length);
        Tokenizer tok = Tokenizers.fromVocab(VocabData.of("bert", null, all, null, null, null));
        // lowercased; "!" is a word of its own
        assertThat(tok.encode("UNAFFABLE!", false, false)).containsExactly(105, 108);
        assertThat(tok.encode("unaffablex café", true, false)).containsExactly(101, 100, 109, 102);
    }

    @Test
    void badVocabulariesGetClearErrors() {
        assertThatThrownBy(() -> Tokenizers.fromVocab(VocabData.of("t5", null, new String[] {"a"}, null, null, null)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("unsupported tokenizer model 't5'");
        assertThatThrownBy(() -> Tokenizers.fromVocab(VocabData.of("gpt2", "gpt-2", new String[] {"a"}, null, null, null)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("merges");
        assertThatThrownBy(() -> Tokenizers.fromVocab(VocabData.of("gpt2", "kimi-k2", new String[] {"a"}, null, null,
                new String[0]))).isInstanceOf(ModelFormatException.class).hasMessageContaining("kimi-k2");
        assertThatThrownBy(() -> Tokenizers.fromVocab(VocabData.of("llama", null, new String[] {"a", "b"},
                new float[1], null, null))).isInstanceOf(ModelFormatException.class).hasMessageContaining("scores");
        assertThatThrownBy(() -> Tokenizers.fromVocab(VocabData.of("llama", null, new String[0], null, null, null)))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("no tokens");
        Tokenizer tok = Tokenizers.fromVocab(spm());
        assertThatThrownBy(() -> tok.decode(new int[] {15})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("15");
        assertThatThrownBy(() -> tok.tokenText(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyKnownPreTokenizerBuildsAndSplitsLosslessly() {
        String text = "Hello, World! It's 2024: naïve café 中文 ١٢٣ \t\n  end";
        for (String pre : new String[] {"default", "llama-bpe", "jais-2", "dbrx", "deepseek-llm", "deepseek-v3", "youtu",
                "deepseek-coder", "falcon", "starcoder", "smollm", "gpt-2", "trillion", "roberta-bpe", "qwen2",
                "stablelm2", "qwen35", "poro-chat", "bloom", "chatglm-bpe", "viking", "tekken", "chameleon", "gpt-4o",
                "granite-embed-multi-97m", "bailingmoe", "seed-coder", "laguna", "exaone-moe", "minicpm5"}) {
            PreTokenizer p = PreTokenizers.forName(pre);
            assertThat(String.join("", p.split(text))).as(pre).isEqualTo(text);
            assertThat(p.split(text)).as(pre).allSatisfy(w -> assertThat(w).isNotEmpty());
        }
    }
}
