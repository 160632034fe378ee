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
