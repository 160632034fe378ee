package dev.jllm.runtime.sampling.grammar;

import dev.jllm.runtime.sampling.grammar.GbnfAst.Alternatives;
import dev.jllm.runtime.sampling.grammar.GbnfAst.CharClass;
import dev.jllm.runtime.sampling.grammar.GbnfAst.Literal;
import dev.jllm.runtime.sampling.grammar.GbnfAst.Repeat;
import dev.jllm.runtime.sampling.grammar.GbnfAst.RuleRef;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads llama.cpp's GBNF: {@code name ::= alternatives}, one rule per line (a rule continues on the next line
 * after {@code ::=}, after {@code |} and inside parentheses), {@code "literals"}, {@code [classes]} with ranges
 * and {@code ^} negation, {@code .}, groups, {@code * + ? {m} {m,} {m,n}}, backslash escapes (x with 2, u with 4
 * and U with 8 hex digits; t, n, r; a quoted backslash, quote or bracket), and {@code #} comments. A rule defined
 * twice gets the union of its alternatives, as in
 * llama.cpp.
 */
final class GbnfParser {
    /** A bound on {m,n} repetition counts: each copy becomes grammar elements. */
    static final int MAX_REPEAT = 10_000;

    private final String src;
    private int pos;

    private GbnfParser(String src) {
        this.src = src;
    }

    static Map<String, Alternatives> parse(String text) {
        if (text == null || text.isBlank()) {
            throw new GrammarException("the grammar is empty");
        }
        return new GbnfParser(text).rules();
    }

    private Map<String, Alternatives> rules() {
        Map<String, Alternatives> rules = new LinkedHashMap<>();
        space(true);
        while (pos < src.length()) {
            String name = name();
            space(false);
            if (!src.startsWith("::=", pos)) {
                throw error("expected '::=' after rule name '" + name + "'");
            }
            pos += 3;
            space(true);
            Alternatives body = alternatives(false);
            Alternatives old = rules.get(name);
            if (old != null) {
                List<List<GbnfAst>> all = new ArrayList<>(old.alternatives());
                all.addAll(body.alternatives());
                body = new Alternatives(all);
            }
            rules.put(name, body);
            if (pos < src.length() && src.charAt(pos) == '\r') {
                pos++;
            }
            if (pos < src.length()) {
                if (src.charAt(pos) != '\n') {
                    throw error("expected the end of the line after rule '" + name + "'");
                }
                pos++;
            }
            space(true);
        }
        return rules;
    }

    private Alternatives alternatives(boolean nested) {
        List<List<GbnfAst>> alts = new ArrayList<>();
        alts.add(sequence(nested));
        while (pos < src.length() && src.charAt(pos) == '|') {
            pos++;
            space(true);
            alts.add(sequence(nested));
        }
        return new Alternatives(alts);
    }

    private List<GbnfAst> sequence(boolean nested) {
        List<GbnfAst> items = new ArrayList<>();
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '"') {
                pos++;
                List<Integer> cps = new ArrayList<>();
                while (true) {
                    if (pos >= src.length()) {
                        throw error("unterminated string literal");
                    }
                    if (src.charAt(pos) == '"') {
                        pos++;
                        break;
                    }
                    cps.add(character());
                }
                items.add(new Literal(cps.stream().mapToInt(Integer::intValue).toArray()));
                space(nested);
            } else if (c == '[') {
                pos++;
                boolean negated = pos < src.length() && src.charAt(pos) == '^';
                if (negated) {
                    pos++;
                }
                List<int[]> ranges = new ArrayList<>();
                while (true) {
                    if (pos >= src.length()) {
                        throw error("unterminated character class");
                    }
                    if (src.charAt(pos) == ']') {
                        pos++;
                        break;
                    }
                    int lo = character();
                    int hi = lo;
                    if (pos + 1 < src.length() && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
                        pos++;
                        hi = character();
                        if (hi < lo) {
                            throw error("character range is backwards");
                        }
                    }
                    ranges.add(new int[] {lo, hi});
                }
                items.add(new CharClass(ranges, negated));
                space(nested);
            } else if (isWordChar(c)) {
                int line = line();
                items.add(new RuleRef(name(), line));
                space(nested);
            } else if (c == '(') {
                pos++;
                space(true);
                Alternatives group = alternatives(true);
                if (pos >= src.length() || src.charAt(pos) != ')') {
                    throw error("expected ')'");
                }
                pos++;
                items.add(group);
                space(nested);
            } else if (c == '.') {
                pos++;
                items.add(new CharClass(List.of(), true));
                space(nested);
            } else if (c == '*' || c == '+' || c == '?') {
                pos++;
                int min = c == '+' ? 1 : 0;
                int max = c == '?' ? 1 : -1;
                repeat(items, min, max);
                space(nested);
            } else if (c == '{') {
                pos++;
                space(nested);
                int min = number();
                int max = min;
                space(nested);
                if (pos < src.length() && src.charAt(pos) == ',') {
                    pos++;
                    space(nested);
                    max = pos < src.length() && Character.isDigit(src.charAt(pos)) ? number() : -1;
                    space(nested);
                }
                if (pos >= src.length() || src.charAt(pos) != '}') {
                    throw error("expected '}' to close the repetition");
                }
                pos++;
                if (max >= 0 && max < min) {
                    throw error("repetition {" + min + "," + max + "} has its maximum below its minimum");
                }
                repeat(items, min, max);
                space(nested);
            } else {
                break;
            }
        }
        return items;
    }

    private void repeat(List<GbnfAst> items, int min, int max) {
        if (items.isEmpty()) {
            throw error("a repetition operator needs something before it");
        }
        items.add(new Repeat(items.removeLast(), min, max));
    }

    private int number() {
        int start = pos;
        while (pos < src.length() && Character.isDigit(src.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a number");
        }
        long v = Long.parseLong(src.substring(start, Math.min(pos, start + 12)));
        if (v > MAX_REPEAT) {
            throw error("repetition count " + v + " is above the limit of " + MAX_REPEAT);
        }
        return (int) v;
    }

    /** One (possibly escaped) character of a literal or class, as a code point. */
    private int character() {
        int c = src.codePointAt(pos);
        if (c != '\\') {
            pos += Character.charCount(c);
            return c;
        }
        pos++;
        if (pos >= src.length()) {
            throw error("unfinished escape");
        }
        char e = src.charAt(pos++);
        return switch (e) {
            case 'x' -> hex(2);
            case 'u' -> hex(4);
            case 'U' -> hex(8);
            case 't' -> '\t';
            case 'r' -> '\r';
            case 'n' -> '\n';
            case '\\', '"', '[', ']', '-', '^', '/', '\'' -> e;
            default -> throw error("unknown escape '\\" + e + "'");
        };
    }

    private int hex(int digits) {
        if (pos + digits > src.length()) {
            throw error("expected " + digits + " hex digits");
        }
        int v;
        try {
            v = (int) Long.parseLong(src.substring(pos, pos + digits), 16);
        } catch (NumberFormatException e) {
            throw error("expected " + digits + " hex digits");
        }
        pos += digits;
        if (v < 0 || v > Utf8Ranges.MAX) {
            throw error("code point out of range");
        }
        return v;
    }

    private String name() {
        int start = pos;
        while (pos < src.length() && isWordChar(src.charAt(pos))) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a rule name");
        }
        return src.substring(start, pos);
    }

    private static boolean isWordChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
    }

    /** Skips blanks and comments; newlines too when {@code newlines}. */
    private void space(boolean newlines) {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == ' ' || c == '\t' || (newlines && (c == '\n' || c == '\r'))) {
                pos++;
            } else if (c == '#') {
                while (pos < src.length() && src.charAt(pos) != '\n' && src.charAt(pos) != '\r') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private int line() {
        int line = 1;
        for (int i = 0; i < pos; i++) {
            if (src.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private GrammarException error(String message) {
        int line = 1;
        int col = 1;
        for (int i = 0; i < Math.min(pos, src.length()); i++) {
            if (src.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new GrammarException("grammar error at line " + line + ", column " + col + ": " + message);
    }
}
