package dev.jllm.runtime.tokenizer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Special-token text is a token only when asked; user-defined tokens always are; BOS/EOS as configured. */
class SpecialTokensTest {

    @Test
    void controlTokenTextIsParsedOnlyWhenAsked() throws Exception {
        Tokenizer tok = VocabVectors.tokenizer("llama-spm");
        int[] plain = tok.encode("<s>Hello</s>", false, false);
        assertThat(plain).doesNotContain(tok.bos(), tok.eos());
        assertThat(tok.decode(plain)).isEqualTo(" <s>Hello</s>");

        int[] parsed = tok.encode("<s>Hello</s>", false, true);
        // after a special token SentencePiece puts the space prefix again: "Hello" -> "▁Hello"
        assertThat(parsed).containsExactly(tok.bos(), tok.tokenId("▁Hello"), tok.eos());
        assertThat(tok.decode(parsed)).isEqualTo(" Hello");
        assertThat(tok.decode(parsed, true)).isEqualTo("<s> Hello</s>");
    }

    @Test
    void byteLevelBpeParsesEndOfText() throws Exception {
        Tokenizer tok = VocabVectors.tokenizer("gpt-2");
        int eot = tok.tokenId("<|endoftext|>");
        assertThat(eot).isEqualTo(50256);
        assertThat(tok.encode("a<|endoftext|>b", false, true)).containsExactly(tok.tokenId("a"), eot, tok.tokenId("b"));
        assertThat(tok.encode("a<|endoftext|>b", false, false)).doesNotContain(eot).hasSizeGreaterThan(3);
        assertThat(tok.isEndOfGeneration(eot)).isTrue();
        assertThat(tok.eot()).isEqualTo(eot);
        assertThat(tok.specialId(SpecialToken.FIM_PRE)).isEqualTo(-1);
        assertThat(tok.isEndOfGeneration(tok.tokenId("a"))).isFalse();
        // GPT-2 adds no BOS by default (the metadata names BOS 50256, but add_bos is off)
        assertThat(tok.encode("a", true, false)).containsExactly(tok.tokenId("a"));
    }

    @Test
    void userDefinedTokensAreAlwaysRecognised() throws Exception {
        Tokenizer tok = VocabVectors.tokenizer("mpt");
        int fourSpaces = tok.tokenId("    ");
        assertThat(tok.isControl(fourSpaces)).isFalse();
        int[] ids = tok.encode("a    b", false, false);
        assertThat(ids).contains(fourSpaces);
        assertThat(tok.decode(ids)).isEqualTo("a    b");
    }

    @Test
    void phi3SpecialTokensSwallowTheWhitespaceAfterThem() throws Exception {
        // llama.cpp marks Phi-3's special tokens RSTRIP (keyed on general.name "Phi3")
        Tokenizer tok = VocabVectors.tokenizer("phi-3");
        int user = tok.tokenId("<|user|>");
        int end = tok.tokenId("<|end|>");
        assertThat(tok.encode("<|user|>\nHi<|end|>\n", false, true))
                .containsExactly(user, tok.tokenId("▁Hi"), end);
        assertThat(tok.isEndOfGeneration(end)).isTrue();
        assertThat(tok.eot()).isEqualTo(end);
        assertThat(tok.specialId(SpecialToken.PAD)).isEqualTo(32000);
    }

    @Test
    void fimTokensAreFoundByTheirText() throws Exception {
        Tokenizer tok = VocabVectors.tokenizer("starcoder");
        assertThat(tokText(tok, SpecialToken.FIM_PRE)).isEqualTo("<fim_prefix>");
        assertThat(tokText(tok, SpecialToken.FIM_SUF)).isEqualTo("<fim_suffix>");
        assertThat(tokText(tok, SpecialToken.FIM_MID)).isEqualTo("<fim_middle>");
        assertThat(tokText(tok, SpecialToken.FIM_PAD)).isEqualTo("<fim_pad>");
        assertThat(tok.isEndOfGeneration(tok.specialId(SpecialToken.FIM_PAD))).isTrue();
        int[] ids = tok.encode("<fim_prefix>def f():<fim_suffix>", false, true);
        assertThat(ids[0]).isEqualTo(tok.specialId(SpecialToken.FIM_PRE));
        assertThat(ids[ids.length - 1]).isEqualTo(tok.specialId(SpecialToken.FIM_SUF));
    }

    @Test
    void userDefinedTokensTurnedControlByDetectionNeedParseSpecial() throws Exception {
        Tokenizer tok = VocabVectors.tokenizer("deepseek-coder");
        // "<|User|>" is user-defined: always recognised
        int user = tok.tokenId("<|User|>");
        assertThat(tok.encode("x<|User|>y", false, false)).contains(user);
        // "<｜fim▁begin｜>" is user-defined too, but llama.cpp detects it as FIM prefix and makes it control:
        // from then on only parse_special recognises it
        int begin = tok.tokenId("<\uFF5Cfim\u2581begin\uFF5C>");
        assertThat(tok.specialId(SpecialToken.FIM_PRE)).isEqualTo(begin);
        assertThat(tok.encode("x<\uFF5Cfim\u2581begin\uFF5C>y", false, false)).doesNotContain(begin);
        assertThat(tok.encode("x<\uFF5Cfim\u2581begin\uFF5C>y", false, true)).contains(begin);
    }

    private static String tokText(Tokenizer tok, SpecialToken kind) {
        return tok.tokenText(tok.specialId(kind));
    }

    @Test
    void bertAddsClsAndSep() throws Exception {
        Tokenizer tok = VocabVectors.tokenizer("bert-bge");
        int[] ids = tok.encode("Hello world", true, false);
        assertThat(ids[0]).isEqualTo(101);
        assertThat(ids[ids.length - 1]).isEqualTo(102);
        assertThat(tok.encode("[CLS] hi [SEP]", false, true)).containsExactly(101, tok.tokenId("▁hi"), 102);
        assertThat(tok.detokenize(tok.encode("Hello, World!", false, false), false, false)).isEqualTo(" hello, world!");
    }

    @Test
    void sentencePieceAddsBosNotEos() throws Exception {
        Tokenizer tok = VocabVectors.tokenizer("llama-spm");
        assertThat(tok.encode("", true, false)).containsExactly(tok.bos());
        assertThat(tok.encode("", false, false)).isEmpty();
        assertThat(tok.addsBos()).isTrue();
        assertThat(tok.addsEos()).isFalse();
    }
}
