package dev.jllm.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites one Jinja expression (the inside of a {@code {{ }}} or {@code {% %}}) so that Jinjava's parser
 * reads it as Python Jinja2 does. Each rule keeps the meaning and only adds grouping or a method call:
 *
 * <ul>
 *   <li><b>{@code not} precedence.</b> In Jinja2 {@code not} binds looser than tests and comparisons:
 *       {@code not x is defined} is {@code not (x is defined)}. Jinjava binds it tighter, making that
 *       {@code (not x) is defined}, always true. Every {@code not} gets its operand parenthesised, up to
 *       the next {@code and}/{@code or}/{@code if}/{@code else}, comma or closing bracket, which is exactly
 *       Jinja2's grammar ({@code not} applies to a comparison).
 *   <li><b>Keyword arguments.</b> Jinjava binds {@code name=value} tighter than arithmetic, so {@code
 *       namespace(i=messages|length - 1)} subtracts 1 from the named parameter. Keyword values get
 *       parentheses.
 *   <li><b>Slices.</b> Jinjava parses {@code seq[a:b]} only with simple bounds and no step. Every slice
 *       becomes {@code seq.__jllm_slice__(a, b, step)}, which {@link PythonMethodResolver} evaluates.
 *   <li><b>String repetition.</b> {@code "  " * depth} is an error in Jinjava's arithmetic; with a string
 *       literal on the left it becomes {@code "  ".__jllm_repeat__(depth)}.
 *   <li><b>Binary plus and minus.</b> Jinjava's scanner reads {@code n+1} as {@code n} followed by the
 *       number {@code +1}, a syntax error; a binary {@code +}/{@code -} right after an operand gets spaces.
 *   <li><b>Trailing commas.</b> {@code {'a': 1,}} and {@code [1, 2,]} are fine in Python; Jinjava rejects
 *       the list and turns a parenthesised dict into a tuple. The comma is dropped (and in call
 *       arguments; a one-element tuple {@code (x,)} is left alone).
 *   <li><b>Dicts in parentheses.</b> Jinjava decides that {@code (...)} is a tuple when it sees a comma
 *       outside parentheses and square brackets, so {@code ({"a": 1, "b": 2})} becomes a one-element
 *       tuple. A dict literal with commas directly inside parentheses is written {@code [{...}][0]}.
 *   <li><b>Numeric attributes.</b> Jinja2 reads {@code m.content.0.type} as item 0; it becomes {@code
 *       m.content[0].type}.
 *   <li><b>Nested closing braces.</b> Jinjava's tokenizer ends an expression at the first {@code }}},
 *       even inside a dict literal; such braces are spaced apart.
 * </ul>
 */
final class ExpressionRewriter {

    static final String SLICE_METHOD = "__jllm_slice__";
    static final String REPEAT_METHOD = "__jllm_repeat__";

    private static final Set<String> NOT_OPERAND_ENDS = Set.of("and", "or", "if", "else");
    private static final Pattern KEYWORD_ARGUMENT =
            Pattern.compile("(\\s*[A-Za-z_][A-Za-z0-9_]*\\s*)=(?!=)(.*)", Pattern.DOTALL);

    private ExpressionRewriter() {}

    /** Rewrites a whole tag body; {@code isMacroDefinition} leaves parameter defaults alone. */
    static String rewrite(String expr, boolean isMacroDefinition) {
        return spaceClosingBraces(rewriteGroup(expr, isMacroDefinition));
    }

    private static String rewriteGroup(String expr, boolean isMacroDefinition) {
        StringBuilder out = new StringBuilder(expr.length() + 8);
        String lastWord = null;
        int i = 0;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '\'' || c == '"') {
                int end = stringEnd(expr, i);
                String literal = expr.substring(i, end);
                int repeat = repetitionOperand(expr, end);
                if (repeat > 0) {
                    int operandStart = skipSpaces(expr, skipSpaces(expr, end) + 1);
                    String operand = rewriteGroup(expr.substring(operandStart, repeat), isMacroDefinition);
                    out.append(literal).append('.').append(REPEAT_METHOD).append('(').append(operand.strip())
                            .append(')');
                    i = repeat;
                } else {
                    out.append(literal);
                    i = end;
                }
                lastWord = null;
                continue;
            }
            if (Character.isDigit(c)) {
                // A whole number literal, so the sign of an exponent (1e-7) is not taken for an operator.
                int end = numberEnd(expr, i);
                out.append(expr, i, end);
                i = end;
                lastWord = null;
                continue;
            }
            if ((c == '+' || c == '-') && followsOperand(out)) {
                out.append(endsWithSpace(out) ? "" : " ").append(c).append(' ');
                i++;
                lastWord = null;
                continue;
            }
            if (isIdentifierStart(c)) {
                int end = i;
                while (end < expr.length() && isIdentifierPart(expr.charAt(end))) {
                    end++;
                }
                String word = expr.substring(i, end);
                if (word.equals("not") && !"is".equals(lastWord) && !nextWordIs(expr, end, "in")) {
                    int operandEnd = notOperandEnd(expr, end);
                    String operand = expr.substring(end, operandEnd);
                    String trailing = operand.substring(operand.stripTrailing().length());
                    out.append("not (").append(rewriteGroup(operand.strip(), isMacroDefinition)).append(')')
                            .append(trailing);
                    i = operandEnd;
                    lastWord = null;
                    continue;
                }
                out.append(word);
                lastWord = word;
                i = end;
                continue;
            }
            if (c == '[' || c == '(' || c == '{') {
                int close = matching(expr, i);
                if (close < 0) {
                    out.append(expr, i, expr.length());
                    break;
                }
                boolean postfix = isPostfixPosition(out);
                String inner = rewriteGroup(expr.substring(i + 1, close), isMacroDefinition);
                if (c != '(' || postfix) {
                    inner = dropTrailingComma(inner);
                }
                if (c == '[' && postfix) {
                    List<String> bounds = splitTopLevel(inner, ':');
                    if (bounds.size() == 2 || bounds.size() == 3) {
                        out.append('.').append(SLICE_METHOD).append('(');
                        for (int b = 0; b < 3; b++) {
                            String bound = b < bounds.size() ? bounds.get(b).strip() : "";
                            out.append(b > 0 ? ", " : "").append(bound.isEmpty() ? "none" : bound);
                        }
                        out.append(')');
                        i = close + 1;
                        lastWord = null;
                        continue;
                    }
                }
                if (c == '(' && postfix && !isMacroDefinition) {
                    inner = groupKeywordValues(inner);
                }
                if (c == '(' && !postfix) {
                    inner = shieldDictCommas(inner);
                }
                out.append(c).append(inner).append(expr.charAt(close));
                i = close + 1;
                lastWord = null;
                continue;
            }
            if (c == '.' && i + 1 < expr.length() && Character.isDigit(expr.charAt(i + 1)) && followsOperand(out)) {
                int end = i + 1;
                while (end < expr.length() && Character.isDigit(expr.charAt(end))) {
                    end++;
                }
                out.append('[').append(expr, i + 1, end).append(']');
                i = end;
                lastWord = null;
                continue;
            }
            out.append(c);
            if (!Character.isWhitespace(c)) {
                lastWord = null;
            }
            i++;
        }
        return out.toString();
    }

    private static String shieldDictCommas(String inner) {
        StringBuilder out = new StringBuilder(inner.length() + 8);
        int depth = 0;
        int i = 0;
        while (i < inner.length()) {
            char c = inner.charAt(i);
            if (c == '\'' || c == '"') {
                i = copyString(inner, i, out);
                continue;
            }
            if (c == '{' && depth == 0) {
                int close = matching(inner, i);
                if (close > 0 && inner.substring(i, close).indexOf(',') >= 0) {
                    out.append('[').append(inner, i, close + 1).append("][0]");
                    i = close + 1;
                    continue;
                }
            }
            if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static String dropTrailingComma(String inner) {
        String trimmed = inner.stripTrailing();
        return trimmed.endsWith(",") ? trimmed.substring(0, trimmed.length() - 1) : inner;
    }

    /** Whether a bracket opening here follows a value (a call or subscript) rather than starting one. */
    private static boolean isPostfixPosition(StringBuilder out) {
        int k = out.length() - 1;
        if (k < 0) {
            return false;
        }
        char last = out.charAt(k);
        if (last == ')' || last == ']' || last == '\'' || last == '"') {
            return true;
        }
        String word = wordEndingAt(out, k);
        // After a keyword, "(" or "[" starts a new value: "not (x)", "in [1, 2]", "if (a)".
        return word != null && !Set.of("not", "in", "and", "or", "if", "else", "is").contains(word);
    }

    /** The identifier or keyword whose last character is at {@code k}, or null when none ends there. */
    private static String wordEndingAt(StringBuilder out, int k) {
        if (!isIdentifierPart(out.charAt(k))) {
            return null;
        }
        int start = k;
        while (start > 0 && isIdentifierPart(out.charAt(start - 1))) {
            start--;
        }
        return out.substring(start, k + 1);
    }

    private static boolean followsOperand(StringBuilder out) {
        int k = out.length() - 1;
        while (k >= 0 && Character.isWhitespace(out.charAt(k))) {
            k--;
        }
        if (k < 0) {
            return false;
        }
        char last = out.charAt(k);
        if (last == ')' || last == ']' || last == '}' || last == '\'' || last == '"') {
            return true;
        }
        String word = wordEndingAt(out, k);
        // After a keyword the sign is unary: "not -1", "in -x", "if -n".
        return word != null && !Set.of("not", "in", "and", "or", "if", "else", "is", "return").contains(word);
    }

    private static boolean endsWithSpace(StringBuilder out) {
        return !out.isEmpty() && Character.isWhitespace(out.charAt(out.length() - 1));
    }

    private static int numberEnd(String expr, int start) {
        int i = start;
        while (i < expr.length() && (Character.isDigit(expr.charAt(i)) || expr.charAt(i) == '_')) {
            i++;
        }
        if (i + 1 < expr.length() && expr.charAt(i) == '.' && Character.isDigit(expr.charAt(i + 1))) {
            i++;
            while (i < expr.length() && Character.isDigit(expr.charAt(i))) {
                i++;
            }
        }
        if (i < expr.length() && (expr.charAt(i) == 'e' || expr.charAt(i) == 'E')) {
            int j = i + 1;
            if (j < expr.length() && (expr.charAt(j) == '+' || expr.charAt(j) == '-')) {
                j++;
            }
            if (j < expr.length() && Character.isDigit(expr.charAt(j))) {
                i = j;
                while (i < expr.length() && Character.isDigit(expr.charAt(i))) {
                    i++;
                }
            }
        }
        return i;
    }

    private static String groupKeywordValues(String arguments) {
        List<String> parts = splitTopLevel(arguments, ',');
        if (parts.size() == 1 && parts.getFirst().isBlank()) {
            return arguments;
        }
        StringBuilder out = new StringBuilder(arguments.length() + 8);
        for (int p = 0; p < parts.size(); p++) {
            String part = parts.get(p);
            Matcher keyword = KEYWORD_ARGUMENT.matcher(part);
            out.append(p > 0 ? "," : "");
            if (keyword.matches() && !keyword.group(2).isBlank()) {
                out.append(keyword.group(1)).append("=(").append(keyword.group(2).strip()).append(')');
            } else {
                out.append(part);
            }
        }
        return out.toString();
    }

    /**
     * If a {@code *} follows the string literal ending at {@code afterLiteral}, the end of its right operand
     * (a name with attribute, subscript, call and filter postfixes, a number, or a parenthesised group);
     * otherwise -1.
     */
    private static int repetitionOperand(String expr, int afterLiteral) {
        int star = skipSpaces(expr, afterLiteral);
        if (star >= expr.length() || expr.charAt(star) != '*'
                || (star + 1 < expr.length() && expr.charAt(star + 1) == '*')) {
            return -1;
        }
        int i = skipSpaces(expr, star + 1);
        int start = i;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (isIdentifierPart(c) || c == '.') {
                i++;
            } else if (c == '(' || c == '[') {
                int close = matching(expr, i);
                if (close < 0) {
                    return -1;
                }
                i = close + 1;
            } else if (c == '|' && i > start) {
                i = skipSpaces(expr, i + 1);
            } else {
                break;
            }
        }
        return i > start ? i : -1;
    }

    /** The end of the operand of a {@code not} that ends at {@code from}. */
    private static int notOperandEnd(String expr, int from) {
        int end = BracketWalk.walk(expr, from, (i, c, depth) -> {
            if (depth > 0) {
                return -1;
            }
            if (BracketWalk.closes(c) || c == ',' || c == ':') {
                return i;
            }
            boolean wordStart = isIdentifierStart(c) && (i == 0 || !isIdentifierPart(expr.charAt(i - 1)));
            if (wordStart && (i == 0 || expr.charAt(i - 1) != '.')) { // an attribute is no keyword
                int wordEnd = i;
                while (wordEnd < expr.length() && isIdentifierPart(expr.charAt(wordEnd))) {
                    wordEnd++;
                }
                return NOT_OPERAND_ENDS.contains(expr.substring(i, wordEnd)) ? i : -1;
            }
            return -1;
        });
        return end < 0 ? expr.length() : end;
    }

    private static boolean nextWordIs(String expr, int from, String word) {
        int i = skipSpaces(expr, from);
        return expr.startsWith(word, i)
                && (i + word.length() == expr.length() || !isIdentifierPart(expr.charAt(i + word.length())));
    }

    /** Jinjava ends an expression at "}}" even inside a dict literal; "} }" means the same to the parser. */
    private static String spaceClosingBraces(String expr) {
        StringBuilder out = new StringBuilder(expr.length() + 4);
        int i = 0;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '\'' || c == '"') {
                i = copyString(expr, i, out);
                continue;
            }
            out.append(c);
            if (c == '}' && i + 1 < expr.length() && expr.charAt(i + 1) == '}') {
                out.append(' ');
            }
            i++;
        }
        return out.toString();
    }

    static int skipSpaces(String s, int from) {
        int i = from;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Copies the string literal starting at {@code start} to {@code out} as it is; returns the index past it. */
    private static int copyString(String s, int start, StringBuilder out) {
        int end = stringEnd(s, start);
        out.append(s, start, end);
        return end;
    }

    /** The index just past the string literal starting at {@code start}. */
    static int stringEnd(String s, int start) {
        char quote = s.charAt(start);
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                return i + 1;
            }
            i++;
        }
        return s.length();
    }

    /** The index of the bracket closing the one at {@code open}, or -1. */
    static int matching(String s, int open) {
        return BracketWalk.walk(s, open, (i, c, depth) -> BracketWalk.closes(c) && depth == 1 ? i : -1);
    }

    private static List<String> splitTopLevel(String s, char separator) {
        List<String> parts = new ArrayList<>();
        int[] start = {0};
        BracketWalk.walk(s, 0, (i, c, depth) -> {
            if (c == separator && depth == 0) {
                parts.add(s.substring(start[0], i));
                start[0] = i + 1;
            }
            return -1;
        });
        parts.add(s.substring(start[0]));
        return parts;
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
