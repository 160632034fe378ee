package dev.jllm.runtime.tokenizer;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

import static dev.jllm.runtime.tokenizer.Vocabulary.NONE;

/**
 * WordPiece (llama.cpp's llm_tokenizer_wpm), for BERT vocabularies converted to GGUF, where word-initial pieces
 * carry a U+2581 prefix and "##" continuations carry none. Normalisation follows llama.cpp, which is not
 * exactly BERT's: accents are stripped by keeping only the first code point of each character's NFD form,
 * lowercasing is the simple Unicode mapping, control characters, U+0000 and U+FFFD are dropped, and every
 * punctuation character, ASCII symbol and CJK ideograph becomes a word of its own. Each word is matched
 * greedily, longest piece first; a word with an unmatched remainder becomes the unknown token as a whole.
 */
final class WordPieceEncoder {
    private static final String WORD_PREFIX = "\u2581";

    private final Vocabulary v;

    WordPieceEncoder(Vocabulary v) {
        this.v = v;
    }

    void encode(String text, IntList out) {
        for (String word : words(text)) {
            String w = WORD_PREFIX + word;
            int n = w.length();
            int before = out.size();
            IntList pieces = new IntList();
            boolean matched = true;
            for (int i = 0; i < n; ) {
                int found = NONE;
                int end = Math.min(n, i + v.maxTokenChars);
                for (; end > i; end--) {
                    found = v.id(w.substring(i, end));
                    if (found != NONE) {
                        break;
                    }
                }
                if (found == NONE) {
                    matched = false;
                    break;
                }
                pieces.add(found);
                i = end;
            }
            if (matched && pieces.size() > 0) {
                for (int k = 0; k < pieces.size(); k++) {
                    out.add(pieces.get(k));
                }
            }
            if (out.size() == before && v.unk != NONE) {
                out.add(v.unk);
            }
        }
    }

    /** Normalises and splits the text into words (llama.cpp's wpm preprocess). */
    List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        text.codePoints().forEach(raw -> {
            int cp = raw >= 0xD800 && raw <= 0xDFFF ? 0xFFFD : raw;
            if (v.stripAccents) {
                cp = nfdFirst(cp);
            }
            int flags = CodepointFlags.of(cp);
            if (CodepointFlags.isWhitespace(flags)) {
                flush(word, words);
                return;
            }
            int category = flags & CodepointFlags.CATEGORY_MASK;
            if (cp == 0 || cp == 0xFFFD || category == CodepointFlags.CONTROL) {
                return;
            }
            if (v.stripAccents && category == CodepointFlags.MARK) {
                return;
            }
            int c = v.lowercase ? Character.toLowerCase(cp) : cp;
            if (category == CodepointFlags.PUNCTUATION || (cp < 0x7F && category == CodepointFlags.SYMBOL)
                    || isChineseChar(cp)) {
                flush(word, words);
                words.add(new String(Character.toChars(c)));
            } else {
                word.appendCodePoint(c);
            }
        });
        flush(word, words);
        return words;
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (!word.isEmpty()) {
            words.add(word.toString());
            word.setLength(0);
        }
    }

    /** The first code point of the canonical decomposition (llama.cpp keeps only that one). */
    private static int nfdFirst(int cp) {
        if (cp < 0xC0) {
            return cp; // nothing below U+00C0 decomposes
        }
        String s = new String(Character.toChars(cp));
        return Normalizer.normalize(s, Normalizer.Form.NFD).codePointAt(0);
    }

    /** CJK ideograph blocks as BERT defines them (including its 0x2B920 quirk, kept by llama.cpp). */
    static boolean isChineseChar(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
