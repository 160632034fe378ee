package dev.jllm.template;

import com.hubspot.jinjava.objects.SafeString;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON exactly as Python's {@code json} module writes and reads it.
 *
 * <p>Hugging Face renders templates with its own {@code tojson} filter, which is {@code json.dumps(x,
 * ensure_ascii=False, indent=indent, separators=separators, sort_keys=sort_keys)}. Its output differs
 * from most Java JSON writers: {@code ", "} and {@code ": "} separators, Python float repr ({@code 1.0},
 * {@code 1e-05}), non-ASCII text kept as is, control characters as lower-case u00XX escapes. The tokens a
 * model sees depend on every one of those characters, so this writer reproduces them.
 */
final class PythonJson {

    private PythonJson() {}

    /** {@code json.dumps(value, ensure_ascii=False)}. */
    static String dumps(Object value) {
        return dumps(value, null, null, null, false, false);
    }

    /**
     * {@code json.dumps} with its keyword arguments.
     *
     * @param indent null for one line, else the string put before each nesting level (Python's int indent
     *     is that many spaces)
     * @param itemSeparator null for the default: {@code ", "} on one line, {@code ","} when indenting
     * @param keySeparator null for the default {@code ": "}
     */
    static String dumps(
            Object value,
            String indent,
            String itemSeparator,
            String keySeparator,
            boolean sortKeys,
            boolean ensureAscii) {
        Writer writer =
                new Writer(
                        indent,
                        itemSeparator != null ? itemSeparator : (indent == null ? ", " : ","),
                        keySeparator != null ? keySeparator : ": ",
                        sortKeys,
                        ensureAscii);
        writer.write(value, 0);
        return writer.out.toString();
    }

    /** Python's {@code repr(float)}: the shortest round-tripping digits, scientific below 1e-4 and from 1e16. */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        // Double.toString gives the shortest digits that round-trip (JDK 19+), as Python's repr does, except
        // that it never prints fewer than two; where one digit round-trips (5e-324), Python prints one.
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        if (exact.precision() == 2) {
            BigDecimal oneDigit = exact.round(new MathContext(1, RoundingMode.HALF_EVEN));
            if (oneDigit.doubleValue() == Math.abs(d)) {
                exact = oneDigit.stripTrailingZeros();
            }
        }
        String digits = exact.unscaledValue().toString();
        int exponent = digits.length() - 1 - exact.scale();
        String sign = d < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = exact.toPlainString();
            return sign + (plain.indexOf('.') >= 0 ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        int magnitude = Math.abs(exponent);
        return sign
                + mantissa
                + "e"
                + (exponent < 0 ? "-" : "+")
                + (magnitude < 10 ? "0" + magnitude : Integer.toString(magnitude));
    }

    /**
     * {@code json.loads}: objects become insertion-ordered maps, arrays lists, integers {@code Long} (or
     * {@code BigInteger} when larger), other numbers {@code Double}.
     *
     * @throws IllegalArgumentException when the text is not one JSON value
     */
    static Object loads(String text) {
        Reader reader = new Reader(text);
        reader.skipWhitespace();
        Object value = reader.value(0);
        reader.skipWhitespace();
        if (reader.pos != text.length()) {
            throw reader.error("extra data");
        }
        return value;
    }

    private static final class Writer {
        final StringBuilder out = new StringBuilder();
        final String indent;
        final String itemSeparator;
        final String keySeparator;
        final boolean sortKeys;
        final boolean ensureAscii;

        Writer(
                String indent,
                String itemSeparator,
                String keySeparator,
                boolean sortKeys,
                boolean ensureAscii) {
            this.indent = indent;
            this.itemSeparator = itemSeparator;
            this.keySeparator = keySeparator;
            this.sortKeys = sortKeys;
            this.ensureAscii = ensureAscii;
        }

        void write(Object value, int depth) {
            switch (value) {
                case null -> out.append("null");
                case Boolean b -> out.append(b ? "true" : "false");
                case Double d -> out.append(floatRepr(d));
                // A float has no exact Python counterpart; its own shortest digits are what a user wrote.
                case Float f -> out.append(floatRepr(Double.parseDouble(Float.toString(f))));
                case BigDecimal big -> out.append(floatRepr(big.doubleValue()));
                case Number n -> out.append(n.toString());
                case CharSequence s -> string(s.toString());
                case SafeString s -> string(s.toString());
                case Character c -> string(c.toString());
                case Map<?, ?> map -> object(map, depth);
                case Map.Entry<?, ?> entry -> array(List.of(entryKey(entry), entryValue(entry)), depth);
                case Collection<?> list -> array(list, depth);
                case Object[] array -> array(List.of(array), depth);
                default ->
                        throw new PythonError(
                                "Object of type " + value.getClass().getSimpleName() + " is not JSON serializable");
            }
        }

        private static Object entryKey(Map.Entry<?, ?> entry) {
            return entry.getKey();
        }

        private static Object entryValue(Map.Entry<?, ?> entry) {
            return entry.getValue();
        }

        private void array(Collection<?> list, int depth) {
            if (list.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            boolean first = true;
            for (Object item : list) {
                if (!first) {
                    out.append(itemSeparator);
                }
                first = false;
                newline(depth + 1);
                write(item, depth + 1);
            }
            newline(depth);
            out.append(']');
        }

        private void object(Map<?, ?> map, int depth) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            List<Map.Entry<String, Object>> entries = new ArrayList<>(map.size());
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                entries.add(Map.entry(keyString(entry.getKey()), nullSafe(entry.getValue())));
            }
            if (sortKeys) {
                entries.sort(Map.Entry.comparingByKey());
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> entry : entries) {
                if (!first) {
                    out.append(itemSeparator);
                }
                first = false;
                newline(depth + 1);
                string(entry.getKey());
                out.append(keySeparator);
                write(unwrapNull(entry.getValue()), depth + 1);
            }
            newline(depth);
            out.append('}');
        }

        // Map.entry rejects null values; a marker stands in for them while sorting.
        private static final Object NULL = new Object();

        private static Object nullSafe(Object value) {
            return value == null ? NULL : value;
        }

        private static Object unwrapNull(Object value) {
            return value == NULL ? null : value;
        }

        /** Python converts non-string keys: numbers to their repr, booleans to true/false, None to null. */
        private static String keyString(Object key) {
            return switch (key) {
                case null -> "null";
                case Boolean b -> b ? "true" : "false";
                case Double d -> floatRepr(d);
                case Float f -> floatRepr(Double.parseDouble(Float.toString(f)));
                default -> key.toString();
            };
        }

        private void newline(int depth) {
            if (indent != null) {
                out.append('\n');
                out.append(indent.repeat(depth));
            }
        }

        private void string(String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    default -> {
                        if (c < 0x20 || (ensureAscii && c > 0x7e)) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }

    private static final class Reader {
        // Deep nesting would overflow the stack: refuse it with a clear error instead.
        private static final int MAX_DEPTH = 512;

        final String text;
        int pos;

        Reader(String text) {
            this.text = text;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what);
        }

        void skipWhitespace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nested deeper than " + MAX_DEPTH);
            }
            if (pos >= text.length()) {
                throw error("unexpected end");
            }
            char c = text.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("unexpected character '" + c + "'");
                }
            };
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, pos)) {
                throw error("expected " + word);
            }
            pos += word.length();
            return value;
        }

        private Map<String, Object> object(int depth) {
            Map<String, Object> map = new LinkedHashMap<>();
            pos++;
            skipWhitespace();
            if (pos < text.length() && text.charAt(pos) == '}') {
                pos++;
                return map;
            }
            while (true) {
                skipWhitespace();
                if (pos >= text.length() || text.charAt(pos) != '"') {
                    throw error("expected a string key");
                }
                String key = string();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                map.put(key, value(depth + 1));
                skipWhitespace();
                if (pos < text.length() && text.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                expect('}');
                return map;
            }
        }

        private List<Object> array(int depth) {
            List<Object> list = new ArrayList<>();
            pos++;
            skipWhitespace();
            if (pos < text.length() && text.charAt(pos) == ']') {
                pos++;
                return list;
            }
            while (true) {
                skipWhitespace();
                list.add(value(depth + 1));
                skipWhitespace();
                if (pos < text.length() && text.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                expect(']');
                return list;
            }
        }

        private void expect(char c) {
            if (pos >= text.length() || text.charAt(pos) != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private String string() {
            pos++;
            StringBuilder s = new StringBuilder();
            while (true) {
                if (pos >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(pos++);
                if (c == '"') {
                    return s.toString();
                }
                if (c < 0x20) {
                    throw error("control character in string");
                }
                if (c != '\\') {
                    s.append(c);
                    continue;
                }
                if (pos >= text.length()) {
                    throw error("unterminated escape");
                }
                char e = text.charAt(pos++);
                switch (e) {
                    case '"', '\\', '/' -> s.append(e);
                    case 'b' -> s.append('\b');
                    case 'f' -> s.append('\f');
                    case 'n' -> s.append('\n');
                    case 'r' -> s.append('\r');
                    case 't' -> s.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            s.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException bad) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> throw error("bad escape '\\" + e + "'");
                }
            }
        }

        private Object number() {
            int start = pos;
            if (text.charAt(pos) == '-') {
                pos++;
            }
            boolean integral = true;
            int digitsStart = pos;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
            if (pos == digitsStart) {
                throw error("expected a digit");
            }
            if (pos < text.length() && text.charAt(pos) == '.') {
                integral = false;
                pos++;
                int fractionStart = pos;
                while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                    pos++;
                }
                if (pos == fractionStart) {
                    throw error("expected a digit after '.'");
                }
            }
            if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
                integral = false;
                pos++;
                if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                    pos++;
                }
                int exponentStart = pos;
                while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                    pos++;
                }
                if (pos == exponentStart) {
                    throw error("expected an exponent digit");
                }
            }
            String literal = text.substring(start, pos);
            if (!integral) {
                return Double.parseDouble(literal);
            }
            BigInteger big = new BigInteger(literal);
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
    }
}
