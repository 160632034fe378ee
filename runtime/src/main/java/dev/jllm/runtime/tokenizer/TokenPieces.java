package dev.jllm.runtime.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What each token decodes to, as bytes (llama.cpp's token_to_piece with special tokens rendered). Control,
 * unknown and user-defined tokens render as their text; normal tokens undo the vocabulary's encoding
 * (SentencePiece's U+2581 for space, or GPT-2's byte-to-character mapping); byte tokens {@code <0xXX>} are the
 * byte; unused and undefined tokens render as nothing.
 */
final class TokenPieces {
    private static final byte[] EMPTY = new byte[0];
    private static final char SPM_SPACE = '\u2581';

    private TokenPieces() {
    }

    static byte[][] renderAll(VocabularyResolver v) {
        byte[][] out = new byte[v.text.length][];
        for (int id = 0; id < out.length; id++) {
            out[id] = render(v.type, v.text[id], v.attrs[id]);
        }
        return out;
    }

    static byte[] render(VocabType type, String text, int attr) {
        if ((attr & (TokenAttr.UNKNOWN | TokenAttr.CONTROL | TokenAttr.USER_DEFINED)) != 0) {
            return Utf8.encode(text);
        }
        if ((attr & TokenAttr.NORMAL) != 0) {
            return switch (type) {
                case SPM, WPM -> Utf8.encode(text.replace(SPM_SPACE, ' '));
                case BPE -> byteLevelDecode(text);
            };
        }
        if ((attr & TokenAttr.BYTE) != 0) {
            return new byte[] {(byte) byteTokenValue(text)};
        }
        return EMPTY;
    }

    /**
     * The byte of a {@code <0xXX>} token: the hex digits at offsets 3 and 4, read like C's strtol (leading hex
     * digits only, 0 when there are none), so a malformed byte token decodes as llama.cpp decodes it.
     */
    static int byteTokenValue(String text) {
        int value = 0;
        for (int i = 3; i < Math.min(5, text.length()); i++) {
            int d = Character.digit(text.charAt(i), 16);
            if (d < 0 || text.charAt(i) > 0x7F) {
                break;
            }
            value = value * 16 + d;
        }
        return value;
    }

    /**
     * Maps each character back to its byte. A character outside the mapping cannot come from GPT-2's encoding;
     * llama.cpp then writes a visible marker ("[UNK_BYTE_0x" + the character's UTF-8 in hex + the token text + "]"),
     * and so do we, rather than silently dropping text.
     */
    private static byte[] byteLevelDecode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        text.codePoints().forEach(cp -> {
            int b = ByteLevel.decode(cp);
            if (b >= 0) {
                out.write(b);
            } else {
                StringBuilder marker = new StringBuilder("[UNK_BYTE_0x");
                for (byte u : Utf8.encode(new String(Character.toChars(cp)))) {
                    marker.append(String.format(Locale.ROOT, "%02x", u & 0xFF));
                }
                marker.append(text).append(']');
                out.writeBytes(marker.toString().getBytes(StandardCharsets.UTF_8));
            }
        });
        return out.toByteArray();
    }
}
