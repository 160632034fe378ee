package dev.jllm.template;

import com.hubspot.jinjava.objects.SafeString;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code str()} and {@code repr()} of template values, for what {@code {{ value }}} prints:
 * {@code True}, {@code 1.0}, {@code ['a', 'b']}, {@code {'k': 1}}, where Jinjava would print Java's
 * {@code true}, {@code [a, b]}, {@code {k=1}}.
 *
 * <p>One deliberate difference: a null prints as "" (Jinja2 prints "None" for None but "" for an undefined
 * value, and Jinjava cannot tell the two apart; undefined is by far the common case).
 */
final class PythonRepr {

    private PythonRepr() {}

    static String str(Object value) {
        return switch (value) {
            case null -> "";
            case CharSequence s -> s.toString();
            case SafeString s -> s.toString();
            default -> repr(value);
        };
    }

    static String repr(Object value) {
        StringBuilder out = new StringBuilder();
        appendRepr(out, value, 0);
        return out.toString();
    }

    private static void appendRepr(StringBuilder out, Object value, int depth) {
        if (depth > 64) {
            out.append("...");
            return;
        }
        switch (value) {
            case null -> out.append("None");
            case Boolean b -> out.append(b ? "True" : "False");
            case Double d -> out.append(floatRepr(d));
            case Float f -> out.append(floatRepr(Double.parseDouble(Float.toString(f))));
            case BigDecimal big -> out.append(floatRepr(big.doubleValue()));
            case Number n -> out.append(n);
            case CharSequence s -> quote(out, s.toString());
            case SafeString s -> quote(out, s.toString());
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    out.append(first ? "" : ", ");
                    first = false;
                    appendRepr(out, entry.getKey(), depth + 1);
                    out.append(": ");
                    appendRepr(out, entry.getValue(), depth + 1);
                }
                out.append('}');
            }
            case Map.Entry<?, ?> entry -> {
                out.append('(');
                appendRepr(out, entry.getKey(), depth + 1);
                out.append(", ");
                appendRepr(out, entry.getValue(), depth + 1);
                out.append(')');
            }
            case Collection<?> items -> list(out, items, depth);
            case Object[] items -> list(out, List.of(items), depth);
            default -> out.append(value);
        }
    }

    private static String floatRepr(double d) {
        // Python spells the specials differently in repr than JSON does.
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        return PythonJson.floatRepr(d);
    }

    private static void list(StringBuilder out, Collection<?> items, int depth) {
        out.append('[');
        boolean first = true;
        for (Object item : items) {
            out.append(first ? "" : ", ");
            first = false;
            appendRepr(out, item, depth + 1);
        }
        out.append(']');
    }

    /** Python's string repr: single quotes unless the text has a ' and no ", escapes for the rest. */
    private static void quote(StringBuilder out, String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        out.append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c == q) {
                        out.append('\\').append(c);
                    } else if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append(q);
    }
}
