package dev.jllm.runtime.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
    private final Node trie = new Node();

    SpecialTokenSplitter(Vocabulary v) {
        this.v = v;
        for (int id : v.specialTokens) {
            Node n = trie;
            for (int i = 0; i < v.text[id].length(); i++) {
                n = n.children.computeIfAbsent(v.text[id].charAt(i), c -> new Node());
            }
            n.token = id;
        }
    }

    /** A trie of all special-token texts, to find in one pass which of them occur in a text. */
    private static final class Node {
        final Map<Character, Node> children = new HashMap<>(4);
        int token = Vocabulary.NONE;
    }

    List<Fragment> split(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) {
            return fragments;
        }
        fragments.add(Fragment.text(0, text.length()));
        BitSet present = occurring(text);
        if (present.isEmpty()) {
            return fragments;
        }
        // llama.cpp's order: token by token, longest first, each cutting all remaining text fragments; tokens
        // that occur nowhere in the text cannot occur in a fragment of it and are skipped
        for (int id : v.specialTokens) {
            if (!present.get(id) || (!parseSpecial && v.has(id, TokenAttr.CONTROL | TokenAttr.UNKNOWN))) {
                continue;
            }
            fragments = cut(text, fragments, id, v.text[id]);
        }
        return fragments;
    }

    /** The special tokens whose text occurs somewhere in {@code text}. */
    private BitSet occurring(String text) {
        BitSet present = new BitSet();
        if (trie.children.isEmpty()) {
            return present;
        }
        for (int start = 0; start < text.length(); start++) {
            Node n = trie;
            for (int i = start; i < text.length(); i++) {
                n = n.children.get(text.charAt(i));
                if (n == null) {
                    break;
                }
                if (n.token != Vocabulary.NONE) {
                    present.set(n.token);
                }
            }
        }
        return present;
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
