package dev.jllm.runtime.tokenizer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Characters split across tokens come out whole, never in halves. */
class StreamingDecoderTest {

    @Test
    void emojiFromSentencePieceByteFallbackIsHeldUntilComplete() throws Exception {
        Tokenizer tok = VocabVectors.tokenizer("llama-spm");
        int[] ids = tok.encode("🦙", false, false);
        // "▁" then the four UTF-8 bytes of U+1F999 as byte tokens <0xF0><0x9F><0xA6><0x99>
        assertThat(ids).containsExactly(tok.tokenId("▁"), tok.tokenId("<0xF0>"), tok.tokenId("<0x9F>"),
                tok.tokenId("<0xA6>"), tok.tokenId("<0x99>"));
        StreamingDecoder d = tok.newStreamingDecoder();
        assertThat(d.accept(ids[0])).isEqualTo(" ");
        for (int i = 1; i < 4; i++) {
            assertThat(d.accept(ids[i])).isEmpty();
            assertThat(d.hasPendingBytes()).isTrue();
        }
        assertThat(d.accept(ids[4])).isEqualTo("🦙");
        assertThat(d.hasPendingBytes()).isFalse();
        assertThat(d.finish()).isEmpty();
    }

    @Test
    void cjkFromSentencePieceByteFallbackIsHeldUntilComplete() throws Exception {
        Tokenizer tok = VocabVectors.tokenizer("llama-spm");
        String rare = "\uD840\uDC00"; // U+20000, a CJK Extension B ideograph no Llama token covers
        int[] ids = tok.encode("好" + rare, false, false);
        List<String> chunks = new ArrayList<>();
        StreamingDecoder d = tok.newStreamingDecoder();
        for (int id : ids) {
            chunks.add(d.accept(id));
        }
        chunks.add(d.finish());
        assertThat(String.join("", chunks)).isEqualTo(" 好" + rare);
        assertThat(chunks).allSatisfy(c -> assertThat(isWholeCharacters(c)).as(c).isTrue());
        // the rare ideograph arrives as four byte tokens: three empty chunks, then the character
        assertThat(chunks.subList(chunks.size() - 5, chunks.size() - 1)).containsExactly("", "", "", rare);
    }

    @Test
    void byteLevelBpeNeverEmitsHalfACharacter() throws Exception {
        Tokenizer tok = VocabVectors.tokenizer("gpt-2");
        VocabVectors vv = VocabVectors.load("gpt-2");
        int heldBack = 0;
        for (String s : vv.inputs()) {
            StreamingDecoder d = tok.newStreamingDecoder();
            StringBuilder all = new StringBuilder();
            for (int id : tok.encode(s, false, false)) {
                String chunk = d.accept(id);
                assertThat(isWholeCharacters(chunk)).as(chunk).isTrue();
                assertThat(chunk).doesNotContain("\uFFFD");
                if (d.hasPendingBytes()) {
                    heldBack++;
                }
                all.append(chunk);
            }
            assertThat(d.finish()).isEmpty();
            assertThat(all.toString()).isEqualTo(s);
        }
        assertThat(heldBack).as("tokens ending inside a character").isPositive();
    }

    @Test
    void definitelyInvalidBytesBecomeReplacementCharacters() throws Exception {
        Tokenizer tok = VocabVectors.tokenizer("llama-spm");
        StreamingDecoder d = tok.newStreamingDecoder();
        assertThat(d.accept(tok.tokenId("<0xE4>"))).isEmpty();
        assertThat(d.accept(tok.tokenId("<0xBD>"))).isEmpty();
        // 'A' cannot continue the 3-byte sequence: the pending bytes are invalid, 'A' is read afresh
        assertThat(d.accept(tok.tokenId("A"))).isEqualTo("\uFFFDA");
        assertThat(d.accept(tok.tokenId("<0xFF>"))).isEqualTo("\uFFFD");
        assertThat(d.accept(tok.tokenId("<0xF0>"))).isEmpty();
        assertThat(d.finish()).isEqualTo("\uFFFD");
    }

    @Test
    void specialTokensRenderOnlyWhenAsked() throws Exception {
        Tokenizer tok = VocabVectors.tokenizer("llama-spm");
        assertThat(tok.newStreamingDecoder().accept(tok.eos())).isEmpty();
        assertThat(tok.newStreamingDecoder(true).accept(tok.eos())).isEqualTo("</s>");
    }

    /** No unpaired surrogate: every character in the chunk is complete. */
    static boolean isWholeCharacters(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
