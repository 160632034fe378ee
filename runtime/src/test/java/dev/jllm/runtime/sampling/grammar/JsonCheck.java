package dev.jllm.runtime.sampling.grammar;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * For tests: a strict JSON parser (RFC 8259, maps, lists, BigDecimal, strings, booleans, null) and a validator
 * of the JSON Schema subset the compiler supports, written independently of the compiler.
 */
public final class JsonCheck {
    private final String s;
    private int i;
    /** RFC 8259 only says keys SHOULD be unique; schema-constrained output checks it with {@link #hasDuplicateKeys}. */
    private boolean duplicates;

    private JsonCheck(String s) {
        this.s = s;
    }

    /** The value, or throws IllegalArgumentException if {@code text} is not exactly one JSON document. */
    public static Object parse(String text) {
        JsonCheck p = new JsonCheck(text);
        p.ws();
        Object v = p.value();
        p.ws();
        if (p.i != text.length()) {
            throw new IllegalArgumentException("trailing text at " + p.i);
        }
        return v;
    }

    public static boolean hasDuplicateKeys(String text) {
        JsonCheck p = new JsonCheck(text);
        p.ws();
        p.value();
        return p.duplicates;
    }

    public static boolean isJsonObject(String text) {
        try {
            return parse(text) instanceof Map;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void ws() {
        while (i < s.length() && " \t\n\r".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
    }

    private IllegalArgumentException err(String m) {
        return new IllegalArgumentException(m + " at " + i + " in " + s);
    }

    private Object value() {
        if (i >= s.length()) {
            throw err("end of input");
        }
        char c = s.charAt(i);
        switch (c) {
            case '{' -> {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                ws();
                if (i < s.length() && s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    ws();
                    if (i >= s.length() || s.charAt(i) != '"') {
                        throw err("expected a key");
                    }
                    String k = string();
                    ws();
                    expect(':');
                    ws();
                    if (m.containsKey(k)) {
                        duplicates = true;
                    }
                    m.put(k, value());
                    ws();
                    if (i < s.length() && s.charAt(i) == ',') {
                        i++;
                        continue;
                    }
                    expect('}');
                    return m;
                }
            }
            case '[' -> {
                i++;
                List<Object> l = new ArrayList<>();
                ws();
                if (i < s.length() && s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    ws();
                    l.add(value());
                    ws();
                    if (i < s.length() && s.charAt(i) == ',') {
                        i++;
                        continue;
                    }
                    expect(']');
                    return l;
                }
            }
            case '"' -> {
                return string();
            }
            default -> {
                if (s.startsWith("true", i)) {
                    i += 4;
                    return Boolean.TRUE;
                }
                if (s.startsWith("false", i)) {
                    i += 5;
                    return Boolean.FALSE;
                }
                if (s.startsWith("null", i)) {
                    i += 4;
                    return NULL;
                }
                var m = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?").matcher(s).region(i, s.length());
                if (m.lookingAt() && m.end() > i) {
                    i = m.end();
                    return new BigDecimal(m.group());
                }
                throw err("unexpected character");
            }
        }
    }

    /** JSON null (a map cannot hold Java null in every map type, and it must differ from "absent"). */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private void expect(char c) {
        if (i >= s.length() || s.charAt(i) != c) {
            throw err("expected '" + c + "'");
        }
        i++;
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) {
                throw err("unterminated string");
            }
            char c = s.charAt(i++);
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw err("control character in string");
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) {
                throw err("unterminated escape");
            }
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length() || !s.substring(i, i + 4).matches("[0-9a-fA-F]{4}")) {
                        throw err("bad unicode escape");
                    }
                    b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> throw err("bad escape");
            }
        }
    }

    // ------------------------------------------------------------ schema validation

    /** The reasons {@code value} is not valid against {@code schema} (empty when valid). */
    public static List<String> validate(Object value, Object schema) {
        List<String> errors = new ArrayList<>();
        validate(value, schema, schema, "$", errors);
        return errors;
    }

    @SuppressWarnings("unchecked")
    private static void validate(Object v, Object schemaObj, Object root, String at, List<String> errors) {
        if (schemaObj instanceof Boolean b) {
            if (!b) {
                errors.add(at + ": false schema");
            }
            return;
        }
        Map<String, Object> sc = (Map<String, Object>) schemaObj;
        if (sc.containsKey("$ref")) {
            Object target = root;
            String ref = (String) sc.get("$ref");
            for (String part : ref.substring(1).split("/")) {
                if (!part.isEmpty()) {
                    target = ((Map<String, Object>) target).get(part);
                }
            }
            validate(v, target, root, at, errors);
            return;
        }
        if (sc.containsKey("const") && !jsonEquals(v, sc.get("const"))) {
            errors.add(at + ": not the const " + sc.get("const"));
        }
        if (sc.containsKey("enum") && ((List<Object>) sc.get("enum")).stream().noneMatch(e -> jsonEquals(v, e))) {
            errors.add(at + ": not in enum " + sc.get("enum"));
        }
        for (String key : List.of("anyOf", "oneOf")) {
            if (sc.containsKey(key)) {
                long ok = ((List<Object>) sc.get(key)).stream()
                        .filter(alt -> {
                            List<String> sub = new ArrayList<>();
                            validate(v, alt, root, at, sub);
                            return sub.isEmpty();
                        }).count();
                if (ok == 0) {
                    errors.add(at + ": matches no " + key + " alternative");
                }
            }
        }
        Object type = sc.get("type");
        if (type != null) {
            List<Object> types = type instanceof List<?> l ? (List<Object>) l : List.of(type);
            List<Object> all = new ArrayList<>(types);
            if (Boolean.TRUE.equals(sc.get("nullable"))) {
                all.add("null");
            }
            if (all.stream().noneMatch(t -> hasType(v, (String) t))) {
                errors.add(at + ": not of type " + all + ": " + v);
                return;
            }
        }
        if (v instanceof Map<?, ?> m && (sc.containsKey("properties") || sc.containsKey("additionalProperties"))) {
            Map<String, Object> props = (Map<String, Object>) sc.getOrDefault("properties", Map.of());
            for (Object r : (List<Object>) sc.getOrDefault("required", List.of())) {
                if (!m.containsKey(r)) {
                    errors.add(at + ": missing required " + r);
                }
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                Object ps = props.get(e.getKey());
                if (ps != null) {
                    validate(e.getValue(), ps, root, at + "." + e.getKey(), errors);
                } else {
                    Object add = sc.get("additionalProperties");
                    if (add == null || Boolean.FALSE.equals(add)) {
                        // the compiler's default (llama.cpp's): unspecified means none
                        errors.add(at + ": unexpected member " + e.getKey());
                    } else if (!(add instanceof Boolean)) {
                        validate(e.getValue(), add, root, at + "." + e.getKey(), errors);
                    }
                }
            }
        }
        if (v instanceof List<?> l) {
            if (sc.get("minItems") instanceof Number n && l.size() < n.intValue()) {
                errors.add(at + ": fewer than " + n + " items");
            }
            if (sc.get("maxItems") instanceof Number n && l.size() > n.intValue()) {
                errors.add(at + ": more than " + n + " items");
            }
            if (sc.get("prefixItems") instanceof List<?> prefix) {
                for (int k = 0; k < Math.min(prefix.size(), l.size()); k++) {
                    validate(l.get(k), prefix.get(k), root, at + "[" + k + "]", errors);
                }
            } else if (sc.containsKey("items")) {
                for (int k = 0; k < l.size(); k++) {
                    validate(l.get(k), sc.get("items"), root, at + "[" + k + "]", errors);
                }
            }
        }
        if (v instanceof String str) {
            int len = str.codePointCount(0, str.length());
            if (sc.get("minLength") instanceof Number n && len < n.intValue()) {
                errors.add(at + ": shorter than " + n);
            }
            if (sc.get("maxLength") instanceof Number n && len > n.intValue()) {
                errors.add(at + ": longer than " + n);
            }
            if ("date".equals(sc.get("format")) && !str.matches("\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])")) {
                errors.add(at + ": not a date");
            }
            if ("uuid".equals(sc.get("format")) && !str.matches("[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")) {
                errors.add(at + ": not a uuid");
            }
        }
        if (v instanceof BigDecimal d) {
            check(sc, "minimum", d, c -> c >= 0, at, errors);
            check(sc, "maximum", d, c -> c <= 0, at, errors);
            check(sc, "exclusiveMinimum", d, c -> c > 0, at, errors);
            check(sc, "exclusiveMaximum", d, c -> c < 0, at, errors);
        }
    }

    private static void check(Map<String, Object> sc, String key, BigDecimal d,
                              java.util.function.IntPredicate ok, String at, List<String> errors) {
        if (sc.get(key) instanceof Number n && !ok.test(d.compareTo(new BigDecimal(n.toString())))) {
            errors.add(at + ": " + d + " violates " + key + " " + n);
        }
    }

    private static boolean hasType(Object v, String t) {
        return switch (t) {
            case "object" -> v instanceof Map;
            case "array" -> v instanceof List;
            case "string" -> v instanceof String;
            case "integer" -> v instanceof BigDecimal d && d.stripTrailingZeros().scale() <= 0;
            case "number" -> v instanceof BigDecimal;
            case "boolean" -> v instanceof Boolean;
            case "null" -> v == NULL;
            default -> false;
        };
    }

    private static boolean jsonEquals(Object a, Object b) {
        if (b == null) {
            return a == NULL;
        }
        if (a instanceof BigDecimal x && b instanceof Number y) {
            return x.compareTo(new BigDecimal(y.toString())) == 0;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int k = 0; k < x.size(); k++) {
                if (!jsonEquals(x.get(k), y.get(k))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (!x.keySet().equals(y.keySet())) {
                return false;
            }
            for (Object k : x.keySet()) {
                if (!jsonEquals(x.get(k), y.get(k))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
