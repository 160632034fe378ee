package dev.jllm.runtime.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts special-token text out of the input before the tokenizer proper sees it (llama.cpp's
 * tokenizer_st_partition). User-defined tokens are always cut out; control and unknown tokens only when the
 * caller asks to parse special tokens. Longer tokens are matched first. Tokens with the LSTRIP / RSTRIP
 * attribute swallow the ASCII whitespace before / after them.
 */
final class SpecialTokenSplitter {

    /** A piece of the input: a special token, or the text between {@code start} and {@code end}. */
    record Fragment(int token, int start, int end) {
        static Fragment text(int start, int end) {
            return new Fragment(Vocabulary.NONE, start, end);
        }

        boolean isText() {
            return token == Vocabulary.NONE;
        }
    }

    private final Vocabulary v;

    SpecialTokenSplitter(Vocabulary v) {
        this.v = v;
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) {
            return fragments;
        }
        fragments.add(Fragment.text(0, text.length()));
        for (int id : v.specialTokens) {
            if (!parseSpecial && v.has(id, TokenAttr.CONTROL | TokenAttr.UNKNOWN)) {
                continue;
            }
            String special = v.text[id];
            if (!text.contains(special)) {
                continue; // cheap pre-check: most special tokens never occur
            }
            fragments = cut(text, fragments, id, special);
        }
        return fragments;
    }

    private List<Fragment> cut(String text, List<Fragment> in, int id, String special) {
        List<Fragment> out = new ArrayList<>(in.size() + 4);
        boolean lstrip = v.has(id, TokenAttr.LSTRIP);
        boolean rstrip = v.has(id, TokenAttr.RSTRIP);
        for (Fragment f : in) {
            if (!f.isText()) {
                out.add(f);
                continue;
            }
            int pos = f.start();
            int end = f.end();
            while (pos < end) {
                int match = text.indexOf(special, pos);
                if (match < 0 || match + special.length() > end) {
                    out.add(Fragment.text(pos, end));
                    break;
                }
                int leftEnd = match;
                if (lstrip) {
                    while (leftEnd > pos && isSpace(text.charAt(leftEnd - 1))) {
                        leftEnd--;
                    }
                }
                if (leftEnd > pos) {
                    out.add(Fragment.text(pos, leftEnd));
                }
                out.add(new Fragment(id, match, match + special.length()));
                pos = match + special.length();
                if (rstrip) {
                    while (pos < end && isSpace(text.charAt(pos))) {
                        pos++;
                    }
                }
            }
        }
        return out;
    }

    /** C's isspace in the "C" locale, which llama.cpp applies to single bytes. */
    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
