package dev.jllm.template;

import com.hubspot.jinjava.Jinjava;

import java.util.ArrayList;
import java.util.List;

/**
 * Rejects a template that uses a filter or test the engine does not have, when it is loaded. Jinja2 does
 * the same at compile time ("No filter named ..."); Jinjava would instead render nothing for it, silently
 * changing the prompt.
 */
final class KnownNames {

    private KnownNames() {}

    /** @throws ChatTemplateException naming the first unknown filter or test */
    static void check(String rewrittenSource, Jinjava jinjava) {
        for (String expression : TemplateSourceRewriter.expressions(rewrittenSource)) {
            for (String filter : names(expression, true)) {
                if (jinjava.getGlobalContext().getFilter(filter) == null) {
                    throw new ChatTemplateException("chat template uses an unknown filter: " + filter);
                }
            }
            for (String test : names(expression, false)) {
                if (jinjava.getGlobalContext().getExpTest(test) == null) {
                    throw new ChatTemplateException("chat template uses an unknown test: " + test);
                }
            }
        }
    }

    /** The filter names ({@code |name}) or test names ({@code is [not] name}) in an expression. */
    static List<String> names(String expr, boolean filters) {
        List<String> names = new ArrayList<>();
        int i = 0;
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '\'' || c == '"') {
                i = ExpressionRewriter.stringEnd(expr, i);
                continue;
            }
            if (filters && c == '|') {
                int start = ExpressionRewriter.skipSpaces(expr, i + 1);
                int end = identifierEnd(expr, start);
                if (end > start) {
                    names.add(expr.substring(start, end));
                }
                i = Math.max(end, i + 1);
                continue;
            }
            if (!filters && isWordAt(expr, i, "is")) {
                int start = ExpressionRewriter.skipSpaces(expr, i + 2);
                if (isWordAt(expr, start, "not")) {
                    start = ExpressionRewriter.skipSpaces(expr, start + 3);
                }
                int end = identifierEnd(expr, start);
                if (end > start) {
                    names.add(expr.substring(start, end));
                }
                i = Math.max(end, i + 2);
                continue;
            }
            if (isIdentifierPart(c)) {
                // Skip the rest of a word (or number) so "this" or "analysis" is not read as "is".
                while (i < expr.length() && isIdentifierPart(expr.charAt(i))) {
                    i++;
                }
                continue;
            }
            i++;
        }
        return names;
    }

    private static boolean isWordAt(String s, int i, String word) {
        return s.startsWith(word, i)
                && (i == 0 || !isIdentifierPart(s.charAt(i - 1)))
                && (i + word.length() == s.length() || !isIdentifierPart(s.charAt(i + word.length())));
    }

    private static int identifierEnd(String s, int start) {
        int i = start;
        if (i < s.length() && (Character.isLetter(s.charAt(i)) || s.charAt(i) == '_')) {
            while (i < s.length() && isIdentifierPart(s.charAt(i))) {
                i++;
            }
        }
        return i;
    }

    private static boolean isIdentifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
