package dev.jllm.template;

/**
 * Walks a Jinja expression the way its parser sees it: a string literal is skipped whole (brackets and keywords
 * in it mean nothing), and every other character is shown with the number of brackets open before it. The
 * rewriters use it to find what stands at the top level of an expression: a keyword, a separator, the end of an
 * operand, a closing bracket or the end of a tag.
 */
final class BracketWalk {

    /** Looks at one character outside string literals. */
    @FunctionalInterface
    interface Step {
        /** @return the index the walk ends with, or -1 to go on */
        int at(int index, char c, int depth);
    }

    private BracketWalk() {}

    /**
     * Walks {@code s} from {@code from}; returns what a step ended with, or -1 at the end of the text. A closing
     * bracket with none open does not count (the expression is broken, and the parser says so later).
     */
    static int walk(String s, int from, Step step) {
        int depth = 0;
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                i = ExpressionRewriter.stringEnd(s, i);
                continue;
            }
            int end = step.at(i, c, depth);
            if (end >= 0) {
                return end;
            }
            if (opens(c)) {
                depth++;
            } else if (closes(c) && depth > 0) {
                depth--;
            }
            i++;
        }
        return -1;
    }

    static boolean opens(char c) {
        return c == '(' || c == '[' || c == '{';
    }

    static boolean closes(char c) {
        return c == ')' || c == ']' || c == '}';
    }
}
