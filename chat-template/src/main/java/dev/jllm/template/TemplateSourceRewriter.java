package dev.jllm.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Adjusts a Jinja source before Jinjava parses it, where Jinjava's reading of the text differs from
 * Python Jinja2's:
 *
 * <ul>
 *   <li>Jinja2 drops a single trailing newline of the template ({@code keep_trailing_newline=False}, the
 *       default HF uses); Jinjava keeps it.
 *   <li>{@code lstrip_blocks}: Jinja2 strips spaces and tabs before a block or comment tag only when they
 *       are all that precede it on its line; Jinjava strips them whenever a tag follows, which eats the
 *       space in {@code {{ name }}: {% if ... %}}. The stripping is done here instead (and Jinjava's is
 *       off). {@code {%+} keeps the whitespace, as in Jinja2.
 *   <li>the expressions inside {@code {{ }}} and {@code {% %}} go through {@link ExpressionRewriter}.
 * </ul>
 *
 * Text, comments and {@code {% raw %}} blocks are copied as they are.
 */
final class TemplateSourceRewriter {

    private TemplateSourceRewriter() {}

    static String rewrite(String source) {
        String body = dropTrailingNewline(source);
        StringBuilder out = new StringBuilder(body.length() + 32);
        int i = 0;
        while (i < body.length()) {
            int open = nextTagStart(body, i);
            if (open < 0) {
                out.append(body, i, body.length());
                break;
            }
            out.append(body, i, open);
            char kind = body.charAt(open + 1);
            if (kind != '{') {
                lstrip(out, body, open);
            }
            if (kind == '#') {
                int end = body.indexOf("#}", open + 2);
                int stop = end < 0 ? body.length() : end + 2;
                out.append(body, open, stop);
                i = stop;
                continue;
            }
            String close = kind == '{' ? "}}" : "%}";
            int end = tagEnd(body, open + 2, close);
            if (end < 0) {
                // Unterminated tag: leave it for the parser to report.
                out.append(body, open, body.length());
                break;
            }
            String inner = body.substring(open + 2, end);
            // Whitespace control ("{%-", "-%}") is syntax of the delimiters, not part of the expression.
            int from = !inner.isEmpty() && isControl(inner.charAt(0)) ? 1 : 0;
            int to = inner.length() > from && isControl(inner.charAt(inner.length() - 1))
                    ? inner.length() - 1 : inner.length();
            boolean macro = kind == '%' && stripControl(inner).startsWith("macro ");
            out.append(body, open, open + 2 + (from == 1 && inner.charAt(0) == '+' ? 0 : from))
                    .append(ExpressionRewriter.rewrite(inner.substring(from, to), macro))
                    .append(inner, to, inner.length())
                    .append(close);
            i = end + 2;
            if (kind == '%' && isRawTag(inner)) {
                int endRaw = findEndRaw(body, i);
                out.append(body, i, endRaw);
                i = endRaw;
            }
        }
        return out.toString();
    }

    /**
     * Removes the spaces and tabs that {@code out} ends with when they run back to the start of a line
     * (or of the template), unless the tag at {@code open} starts with "+".
     */
    private static void lstrip(StringBuilder out, String body, int open) {
        if (open + 2 < body.length() && body.charAt(open + 2) == '+') {
            return;
        }
        int k = out.length();
        while (k > 0 && (out.charAt(k - 1) == ' ' || out.charAt(k - 1) == '\t')) {
            k--;
        }
        if (k == 0 || out.charAt(k - 1) == '\n' || out.charAt(k - 1) == '\r') {
            out.setLength(k);
        }
    }

    private static String dropTrailingNewline(String source) {
        if (source.endsWith("\r\n")) {
            return source.substring(0, source.length() - 2);
        }
        if (source.endsWith("\n") || source.endsWith("\r")) {
            return source.substring(0, source.length() - 1);
        }
        return source;
    }

    private static int nextTagStart(String s, int from) {
        for (int i = s.indexOf('{', from); i >= 0 && i + 1 < s.length(); i = s.indexOf('{', i + 1)) {
            char next = s.charAt(i + 1);
            if (next == '{' || next == '%' || next == '#') {
                return i;
            }
        }
        return -1;
    }

    /**
     * The index of the closing delimiter, skipping string literals and bracketed parts (so the braces of a
     * dict literal, {@code {{ {'a': {'b': 1}} }}}, do not end the tag).
     */
    private static int tagEnd(String s, int from, String close) {
        return BracketWalk.walk(s, from, (i, c, depth) -> depth == 0 && s.startsWith(close, i) ? i : -1);
    }

    /** The insides of every {@code {{ }}} and {@code {% %}} of a (rewritten) source. */
    static List<String> expressions(String source) {
        List<String> expressions = new ArrayList<>();
        int i = 0;
        while (i < source.length()) {
            int open = nextTagStart(source, i);
            if (open < 0) {
                break;
            }
            char kind = source.charAt(open + 1);
            if (kind == '#') {
                int end = source.indexOf("#}", open + 2);
                i = end < 0 ? source.length() : end + 2;
                continue;
            }
            int end = tagEnd(source, open + 2, kind == '{' ? "}}" : "%}");
            if (end < 0) {
                break;
            }
            String inner = source.substring(open + 2, end);
            expressions.add(inner);
            i = end + 2;
            if (kind == '%' && isRawTag(inner)) {
                i = findEndRaw(source, i);
            }
        }
        return expressions;
    }

    private static boolean isControl(char c) {
        return c == '-' || c == '+';
    }

    private static boolean isRawTag(String inner) {
        return stripControl(inner).equals("raw");
    }

    private static String stripControl(String inner) {
        String t = inner.strip();
        if (t.startsWith("-") || t.startsWith("+")) {
            t = t.substring(1);
        }
        if (t.endsWith("-") || t.endsWith("+")) {
            t = t.substring(0, t.length() - 1);
        }
        return t.strip();
    }

    private static int findEndRaw(String s, int from) {
        for (int i = s.indexOf("{%", from); i >= 0; i = s.indexOf("{%", i + 2)) {
            int end = s.indexOf("%}", i + 2);
            if (end < 0) {
                break;
            }
            if (stripControl(s.substring(i + 2, end)).equals("endraw")) {
                return i;
            }
        }
        return s.length();
    }
}
