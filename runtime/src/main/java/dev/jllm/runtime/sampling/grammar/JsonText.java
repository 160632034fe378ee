package dev.jllm.runtime.sampling.grammar;

import java.util.List;
import java.util.Map;

/** Compact JSON text of a value held as maps, lists, strings, numbers, booleans and null ({@code const}, {@code enum}). */
final class JsonText {
    private JsonText() {
    }

    static String write(Object v) {
        StringBuilder b = new StringBuilder();
        write(v, b);
        return b.toString();
    }

    private static void write(Object v, StringBuilder b) {
        switch (v) {
            case null -> b.append("null");
            case String s -> string(s, b);
            case Boolean x -> b.append(x);
            case Double d when d.isNaN() || d.isInfinite() -> throw new GrammarException("a JSON value cannot be " + d);
            case Float f when f.isNaN() || f.isInfinite() -> throw new GrammarException("a JSON value cannot be " + f);
            case Number n -> b.append(n);
            case Map<?, ?> m -> {
                b.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) {
                        b.append(',');
                    }
                    first = false;
                    string(String.valueOf(e.getKey()), b);
                    b.append(':');
                    write(e.getValue(), b);
                }
                b.append('}');
            }
            case List<?> l -> {
                b.append('[');
                for (int i = 0; i < l.size(); i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    write(l.get(i), b);
                }
                b.append(']');
            }
            default -> string(v.toString(), b);
        }
    }

    /** The escapes a JSON string and a GBNF literal share, appended to {@code b}; false for other characters. */
    static boolean sharedEscape(int c, StringBuilder b) {
        String escape = switch (c) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> null;
        };
        if (escape != null) {
            b.append(escape);
        }
        return escape != null;
    }

    static void string(String s, StringBuilder b) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (sharedEscape(c, b)) {
                continue;
            }
            switch (c) {
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7F) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
