package dev.jllm.runtime.sampling.grammar;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compiles a JSON Schema (held as maps, lists, strings, numbers, booleans, as JSON-B reads it) to GBNF whose
 * sentences are JSON documents valid against it. Covered: {@code type} (one or an array; OpenAPI's
 * {@code nullable}), objects ({@code properties} in declared order, {@code required}, {@code additionalProperties}
 * false, true or a schema; unspecified means false when properties are given, as in llama.cpp; a bare
 * {@code "type": "object"} is any object), arrays ({@code items}, {@code prefixItems},
 * {@code minItems}, {@code maxItems}), {@code enum}, {@code const}, strings ({@code minLength}, {@code maxLength},
 * {@code format} date, time, date-time, uuid), integers and numbers with {@code minimum}, {@code maximum},
 * {@code exclusiveMinimum}, {@code exclusiveMaximum} (number bounds must be whole numbers), booleans, null,
 * {@code anyOf}, {@code oneOf} (as anyOf), a one-element {@code allOf}, {@code $ref} into {@code $defs} /
 * {@code definitions} (recursion allowed). Annotations (title, description, examples...) do not constrain.
 * Anything else is refused with a {@link GrammarException} naming the keyword and where it is.
 *
 * <p>Every rule matches a bare value; containers put the optional whitespace between members, so the document
 * ends at its last significant character (the generation can stop there).
 */
public final class JsonSchemaGrammar {
    /** Keywords that describe without constraining. */
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "default", "examples", "$schema",
            "$id", "$comment", "deprecated", "readOnly", "writeOnly", "$defs", "definitions", "strict", "name",
            "contentMediaType", "contentEncoding", "discriminator", "example", "x-order");
    private static final Set<String> FORMATS = Set.of("date", "time", "date-time", "uuid");
    private static final Map<String, String> PRIMITIVES = new LinkedHashMap<>();

    static {
        PRIMITIVES.put("space", "| \" \" | \"\\n\"{1,2} [ \\t]{0,20}");
        PRIMITIVES.put("char", "[^\"\\\\\\x7F\\x00-\\x1F] | [\\\\] ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4})");
        PRIMITIVES.put("string", "\"\\\"\" char* \"\\\"\"");
        PRIMITIVES.put("boolean", "\"true\" | \"false\"");
        PRIMITIVES.put("null", "\"null\"");
        PRIMITIVES.put("integral-part", "[0] | [1-9] [0-9]{0,15}");
        PRIMITIVES.put("decimal-part", "[0-9]{1,16}");
        PRIMITIVES.put("integer", "\"-\"? integral-part");
        PRIMITIVES.put("number", "\"-\"? integral-part (\".\" decimal-part)? ([eE] [-+]? integral-part)?");
        PRIMITIVES.put("value", "object | array | string | number | boolean | null");
        PRIMITIVES.put("object", "\"{\" space (string space \":\" space value space (\",\" space string space \":\""
                + " space value space)*)? \"}\"");
        PRIMITIVES.put("array", "\"[\" space (value space (\",\" space value space)*)? \"]\"");
        PRIMITIVES.put("date", "[0-9]{4} \"-\" (\"0\" [1-9] | \"1\" [0-2]) \"-\" (\"0\" [1-9] | [1-2] [0-9] | \"3\" [0-1])");
        PRIMITIVES.put("time", "([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9] \":\" [0-5] [0-9] (\".\" [0-9]{1,6})?"
                + " (\"Z\" | [+-] ([01] [0-9] | \"2\" [0-3]) \":\" [0-5] [0-9])");
        PRIMITIVES.put("date-time", "date \"T\" time");
        PRIMITIVES.put("uuid", "[0-9a-fA-F]{8} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\" [0-9a-fA-F]{4} \"-\""
                + " [0-9a-fA-F]{12}");
    }

    /** What a primitive rule uses, so only what is needed is written out. */
    private static final Map<String, List<String>> USES = Map.ofEntries(
            Map.entry("string", List.of("char")), Map.entry("integer", List.of("integral-part")),
            Map.entry("number", List.of("integral-part", "decimal-part")),
            Map.entry("value", List.of("object", "array", "string", "number", "boolean", "null")),
            Map.entry("object", List.of("space", "string", "value")), Map.entry("array", List.of("space", "value")),
            Map.entry("date-time", List.of("date", "time")));

    private String param;
    private Object root;
    private final Map<String, String> rules = new LinkedHashMap<>();
    private final Map<String, String> byBody = new HashMap<>();
    private final Map<String, String> refs = new HashMap<>();
    private final Set<String> primitives = new LinkedHashSet<>();
    private int counter;

    private JsonSchemaGrammar(String param, Object root) {
        this.param = param;
        this.root = root;
    }

    /**
     * GBNF for the documents valid against {@code schema}.
     *
     * @param param the request parameter holding the schema, for error messages
     * @throws GrammarException naming the unsupported keyword or bad value
     */
    public static String toGbnf(Object schema, String param) {
        JsonSchemaGrammar g = new JsonSchemaGrammar(param, schema);
        String body = g.visit(schema, "#", "root");
        g.rules.put("root", body);
        return g.write();
    }

    /** GBNF for any JSON object ({@code response_format: json_object}). */
    public static String anyObject() {
        JsonSchemaGrammar g = new JsonSchemaGrammar("response_format", Map.of());
        g.rules.put("root", g.primitive("object"));
        return g.write();
    }

    /** An empty grammar to {@link #add} several schemas to (forced tool calls: one per function). */
    static JsonSchemaGrammar builder() {
        return new JsonSchemaGrammar(null, null);
    }

    /** Adds the rules of one more schema; returns the name of a rule matching its bare values. */
    String add(Object schema, String paramName, String hint) {
        this.param = paramName;
        this.root = schema;
        refs.clear();
        return rule(hint, visit(schema, "#", hint));
    }

    /** The GBNF of everything added, with this root rule. */
    String gbnf(String rootBody) {
        rules.put("root", rootBody);
        return write();
    }

    /** {@link #toGbnf} compiled. */
    public static Grammar compile(Object schema, String param) {
        return Grammar.parse(toGbnf(schema, param));
    }

    /** Adds this schema's rules; returns the rule body (a GBNF expression) for a bare value. */
    String visit(Object schema, String path, String hint) {
        if (schema instanceof Boolean b) {
            if (!b) {
                throw unsupported(path, "the schema 'false' (no value is valid)");
            }
            return primitive("value");
        }
        if (!(schema instanceof Map<?, ?> raw)) {
            throw new GrammarException(param, "the schema at " + path + " must be an object or a boolean");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) raw;
        if (s.containsKey("$ref")) {
            checkOnly(s, path, Set.of("$ref"));
            return ref(String.valueOf(s.get("$ref")), path);
        }
        if (s.containsKey("const")) {
            checkOnly(s, path, Set.of("const", "type", "enum"));
            return literal(JsonText.write(s.get("const")));
        }
        if (s.containsKey("enum")) {
            checkOnly(s, path, Set.of("enum", "type"));
            if (!(s.get("enum") instanceof List<?> values) || values.isEmpty()) {
                throw new GrammarException(param, "'enum' at " + path + " must be a non-empty array");
            }
            List<String> alts = new ArrayList<>();
            for (Object v : values) {
                alts.add(literal(JsonText.write(v)));
            }
            return "(" + String.join(" | ", alts) + ")";
        }
        for (String key : List.of("anyOf", "oneOf")) {
            if (s.containsKey(key)) {
                checkOnly(s, path, Set.of(key));
                List<?> options = list(s, key, path);
                List<String> alts = new ArrayList<>();
                for (int i = 0; i < options.size(); i++) {
                    alts.add(rule(hint + "-" + i, visit(options.get(i), path + "/" + key + "/" + i, hint + "-" + i)));
                }
                return "(" + String.join(" | ", alts) + ")";
            }
        }
        if (s.containsKey("allOf")) {
            checkOnly(s, path, Set.of("allOf"));
            List<?> parts = list(s, "allOf", path);
            if (parts.size() != 1) {
                throw unsupported(path, "'allOf' with more than one schema");
            }
            return visit(parts.getFirst(), path + "/allOf/0", hint);
        }
        Object type = s.get("type");
        boolean nullable = Boolean.TRUE.equals(s.get("nullable"));
        List<String> types = new ArrayList<>();
        if (type instanceof String t) {
            types.add(t);
        } else if (type instanceof List<?> l) {
            for (Object t : l) {
                types.add(String.valueOf(t));
            }
        } else if (type == null) {
            if (s.containsKey("properties") || s.containsKey("additionalProperties")) {
                types.add("object");
            } else if (s.containsKey("items") || s.containsKey("prefixItems")) {
                types.add("array");
            } else {
                checkOnly(s, path, Set.of("nullable"));
                return primitive("value");
            }
        } else {
            throw new GrammarException(param, "'type' at " + path + " must be a string or an array");
        }
        if (nullable && !types.contains("null")) {
            types.add("null");
        }
        List<String> alts = new ArrayList<>();
        for (String t : types) {
            alts.add(switch (t) {
                case "object" -> object(s, path, hint);
                case "array" -> array(s, path, hint);
                case "string" -> string(s, path);
                case "integer" -> integer(s, path);
                case "number" -> number(s, path);
                case "boolean" -> {
                    checkOnly(s, path, Set.of("type", "nullable"));
                    yield primitive("boolean");
                }
                case "null" -> primitive("null");
                default -> throw new GrammarException(param, "unknown type '" + t + "' at " + path);
            });
        }
        return alts.size() == 1 ? alts.getFirst() : "(" + String.join(" | ", alts) + ")";
    }

    private String object(Map<String, Object> s, String path, String hint) {
        checkOnly(s, path, Set.of("type", "nullable", "properties", "required", "additionalProperties"));
        if (!s.containsKey("properties") && !s.containsKey("additionalProperties") && !s.containsKey("required")) {
            return primitive("object"); // {"type":"object"} alone: any object, as llama.cpp reads it
        }
        Map<String, Object> props = new LinkedHashMap<>();
        if (s.get("properties") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> props.put(String.valueOf(k), v));
        } else if (s.containsKey("properties")) {
            throw new GrammarException(param, "'properties' at " + path + " must be an object");
        }
        Set<String> required = new LinkedHashSet<>();
        if (s.get("required") instanceof List<?> l) {
            for (Object r : l) {
                required.add(String.valueOf(r));
            }
        }
        for (String r : required) {
            if (!props.containsKey(r)) {
                // required but undeclared: any value, still in the declared order (after the others)
                props.put(r, Boolean.TRUE);
            }
        }
        Object additional = s.get("additionalProperties");
        String extra = null;
        if (additional instanceof Boolean b ? b : additional != null) {
            String value = additional instanceof Boolean ? primitive("value")
                    : rule(hint + "-additional", visit(additional, path + "/additionalProperties", hint + "-additional"));
            String key = props.isEmpty() ? primitive("string") : notKeys(props.keySet(), hint);
            primitive("space");
            extra = rule(hint + "-extra", key + " space \":\" space " + value + " space");
        }
        List<String> names = new ArrayList<>(props.keySet());
        List<String> kv = new ArrayList<>();
        primitive("space");
        for (String name : names) {
            String value = rule(hint + "-" + sanitize(name), visit(props.get(name), path + "/properties/" + name,
                    hint + "-" + sanitize(name)));
            kv.add(rule(hint + "-" + sanitize(name) + "-kv", literal(JsonText.write(name)) + " space \":\" space "
                    + value + " space"));
        }
        // after[i]: members i.. when one was written before (each present one after a comma); first[i]: none yet
        String after = extra == null ? "" : "(\",\" space " + extra + ")*";
        String first = extra == null ? "" : "(" + extra + " (\",\" space " + extra + ")*)?";
        for (int i = names.size() - 1; i >= 0; i--) {
            boolean req = required.contains(names.get(i));
            String withComma = "\",\" space " + kv.get(i) + " " + after;
            String newAfter = req ? withComma : "(" + withComma + " | " + blank(after) + ")";
            String present = kv.get(i) + " " + after;
            String newFirst = req ? present : "(" + present + " | " + blank(first) + ")";
            after = rule(hint + "-after-" + i, newAfter);
            first = rule(hint + "-first-" + i, newFirst);
        }
        return "\"{\" space " + first + " \"}\"";
    }

    private static String blank(String expr) {
        return expr.isEmpty() ? "\"\"" : expr;
    }

    private String array(Map<String, Object> s, String path, String hint) {
        checkOnly(s, path, Set.of("type", "nullable", "items", "prefixItems", "minItems", "maxItems"));
        long min = count(s, "minItems", path, 0);
        long max = s.containsKey("maxItems") ? count(s, "maxItems", path, 0) : -1;
        if (max >= 0 && max < min) {
            throw new GrammarException(param, "'maxItems' is below 'minItems' at " + path);
        }
        primitive("space");
        if (s.containsKey("prefixItems")) {
            List<?> prefix = list(s, "prefixItems", path);
            if (s.containsKey("items") && !Boolean.FALSE.equals(s.get("items"))) {
                throw unsupported(path, "'prefixItems' followed by more 'items'");
            }
            if (min > prefix.size() || (max >= 0 && max < prefix.size()) || min != prefix.size() && min != 0) {
                throw unsupported(path, "'prefixItems' with minItems/maxItems other than the tuple's length");
            }
            StringBuilder b = new StringBuilder("\"[\" space");
            for (int i = 0; i < prefix.size(); i++) {
                String item = rule(hint + "-" + i, visit(prefix.get(i), path + "/prefixItems/" + i, hint + "-" + i));
                b.append(i == 0 ? " " : " \",\" space ").append(item).append(" space");
            }
            return b.append(" \"]\"").toString();
        }
        Object items = s.getOrDefault("items", Boolean.TRUE);
        String item = rule(hint + "-item", visit(items, path + "/items", hint + "-item"));
        if (max > GbnfParser.MAX_REPEAT || min > GbnfParser.MAX_REPEAT) {
            throw unsupported(path, "array bounds above " + GbnfParser.MAX_REPEAT);
        }
        if (max == 0) {
            return "\"[\" space \"]\"";
        }
        String more = "(\",\" space " + item + " space)"
                + (max < 0 ? (min > 1 ? "{" + (min - 1) + ",}" : "*") : "{" + Math.max(0, min - 1) + "," + (max - 1) + "}");
        String list = item + " space " + more;
        return "\"[\" space " + (min == 0 ? "(" + list + ")?" : list) + " \"]\"";
    }

    private String string(Map<String, Object> s, String path) {
        checkOnly(s, path, Set.of("type", "nullable", "minLength", "maxLength", "format"));
        if (s.containsKey("format")) {
            String f = String.valueOf(s.get("format"));
            if (!FORMATS.contains(f)) {
                throw unsupported(path, "string format '" + f + "' (supported: date, time, date-time, uuid)");
            }
            if (s.containsKey("minLength") || s.containsKey("maxLength")) {
                throw unsupported(path, "'format' together with a length bound");
            }
            return "\"\\\"\" " + primitive(f) + " \"\\\"\"";
        }
        long min = count(s, "minLength", path, 0);
        long max = s.containsKey("maxLength") ? count(s, "maxLength", path, 0) : -1;
        if (max >= 0 && max < min) {
            throw new GrammarException(param, "'maxLength' is below 'minLength' at " + path);
        }
        if (min == 0 && max < 0) {
            return primitive("string");
        }
        if (max > GbnfParser.MAX_REPEAT || min > GbnfParser.MAX_REPEAT) {
            throw unsupported(path, "string lengths above " + GbnfParser.MAX_REPEAT);
        }
        primitive("char");
        return "\"\\\"\" char{" + min + "," + (max < 0 ? "" : Long.toString(max)) + "} \"\\\"\"";
    }

    private String integer(Map<String, Object> s, String path) {
        Bound[] bounds = bounds(s, path);
        Bound lo = bounds[0];
        Bound hi = bounds[1];
        if (lo == null && hi == null) {
            return primitive("integer");
        }
        Long min = lo == null ? null : toLong(lo.exclusive
                ? lo.value.setScale(0, java.math.RoundingMode.FLOOR).add(BigDecimal.ONE)
                : lo.value.setScale(0, java.math.RoundingMode.CEILING), path);
        Long max = hi == null ? null : toLong(hi.exclusive
                ? hi.value.setScale(0, java.math.RoundingMode.CEILING).subtract(BigDecimal.ONE)
                : hi.value.setScale(0, java.math.RoundingMode.FLOOR), path);
        if (min != null && max != null && min > max) {
            throw new GrammarException(param, "no integer lies within the bounds at " + path);
        }
        return IntegerRanges.range(min, max);
    }

    private String number(Map<String, Object> s, String path) {
        Bound[] bounds = bounds(s, path);
        Bound lo = bounds[0];
        Bound hi = bounds[1];
        if (lo == null && hi == null) {
            return primitive("number");
        }
        for (Bound b : new Bound[] {lo, hi}) {
            if (b != null && b.value.stripTrailingZeros().scale() > 0) {
                throw unsupported(path, "a number bound that is not a whole number (" + b.value.toPlainString() + ")");
            }
        }
        return NumberRanges.range(lo == null ? null : toLong(lo.value, path), lo != null && lo.exclusive,
                hi == null ? null : toLong(hi.value, path), hi != null && hi.exclusive);
    }

    private record Bound(BigDecimal value, boolean exclusive) { }

    /** An integer's or number's schema checked for what jllm can honour: its lower and upper bound, or nulls. */
    private Bound[] bounds(Map<String, Object> s, String path) {
        checkOnly(s, path, Set.of("type", "nullable", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"));
        return new Bound[] {bound(s, "minimum", "exclusiveMinimum", path, true),
                bound(s, "maximum", "exclusiveMaximum", path, false)};
    }

    /** The tighter of {@code minimum}/{@code exclusiveMinimum} (or maximum); draft 4's boolean form included. */
    private Bound bound(Map<String, Object> s, String inclusiveKey, String exclusiveKey, String path, boolean lower) {
        Bound inc = s.containsKey(inclusiveKey) ? new Bound(decimal(s.get(inclusiveKey), inclusiveKey, path), false) : null;
        Object ex = s.get(exclusiveKey);
        if (ex instanceof Boolean b) {
            if (inc == null) {
                throw new GrammarException(param, "'" + exclusiveKey + "' true needs '" + inclusiveKey
                        + "' at " + path);
            }
            return b ? new Bound(inc.value, true) : inc;
        }
        Bound exc = ex == null ? null : new Bound(decimal(ex, exclusiveKey, path), true);
        if (inc == null) {
            return exc;
        }
        if (exc == null) {
            return inc;
        }
        int c = exc.value.compareTo(inc.value);
        return lower ? (c >= 0 ? exc : inc) : (c <= 0 ? exc : inc);
    }

    private BigDecimal decimal(Object v, String key, String path) {
        if (!(v instanceof Number n)) {
            throw new GrammarException(param, "'" + key + "' at " + path + " must be a number");
        }
        return new BigDecimal(n.toString());
    }

    private Long toLong(BigDecimal v, String path) {
        try {
            long l = v.longValueExact();
            if (Math.abs(l) >= 1_000_000_000_000_000_000L) {
                throw new ArithmeticException();
            }
            return l;
        } catch (ArithmeticException e) {
            throw unsupported(path, "a numeric bound beyond 18 digits");
        }
    }

    private long count(Map<String, Object> s, String key, String path, long dflt) {
        Object v = s.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Number n) || new BigDecimal(n.toString()).signum() < 0
                || new BigDecimal(n.toString()).stripTrailingZeros().scale() > 0) {
            throw new GrammarException(param, "'" + key + "' at " + path
                    + " must be a non-negative integer");
        }
        return new BigDecimal(n.toString()).min(BigDecimal.valueOf(Long.MAX_VALUE / 2)).longValue();
    }

    private List<?> list(Map<String, Object> s, String key, String path) {
        if (!(s.get(key) instanceof List<?> l) || l.isEmpty()) {
            throw new GrammarException(param, "'" + key + "' at " + path + " must be a non-empty array");
        }
        return l;
    }

    private String ref(String target, String path) {
        String known = refs.get(target);
        if (known != null) {
            return known;
        }
        Object resolved = resolve(target, path);
        String name = "ref-" + sanitize(target.substring(target.lastIndexOf('/') + 1)) + "-" + (counter++);
        refs.put(target, name);
        rules.put(name, ""); // reserved now: the schema may refer to itself
        rules.put(name, visit(resolved, target, name));
        return name;
    }

    private Object resolve(String target, String path) {
        if (!target.startsWith("#")) {
            throw unsupported(path, "'$ref' to another document (" + target + ")");
        }
        Object node = root;
        String pointer = target.substring(1);
        if (pointer.isEmpty()) {
            return node;
        }
        for (String part : pointer.substring(pointer.startsWith("/") ? 1 : 0).split("/")) {
            String key = part.replace("~1", "/").replace("~0", "~");
            if (node instanceof Map<?, ?> m && m.containsKey(key)) {
                node = m.get(key);
            } else if (node instanceof List<?> l && key.matches("\\d+") && Integer.parseInt(key) < l.size()) {
                node = l.get(Integer.parseInt(key));
            } else {
                throw new GrammarException(param, "'$ref' " + target + " at " + path
                        + " points to nothing");
            }
        }
        return node;
    }

    /**
     * A member name other than those in {@code exclude} (with its quotes): one rule per prefix of the names,
     * where the string either continues along the names, leaves them (then anything may follow), or ends at a
     * prefix that is not itself a name.
     */
    private String notKeys(Set<String> exclude, String hint) {
        primitive("char");
        TreeMap<String, Boolean> prefixes = new TreeMap<>();
        for (String w : exclude) {
            for (int i = 0; i <= w.length(); i = i < w.length() ? w.offsetByCodePoints(i, 1) : i + 1) {
                prefixes.merge(w.substring(0, Math.min(i, w.length())), i >= w.length(), Boolean::logicalOr);
            }
        }
        Map<String, String> names = new HashMap<>();
        for (String p : prefixes.keySet()) {
            names.put(p, hint + "-key-" + (counter++));
        }
        for (String p : prefixes.keySet()) {
            List<String> alts = new ArrayList<>();
            StringBuilder others = new StringBuilder("[^\"\\\\\\x7F\\x00-\\x1F");
            for (String q : prefixes.keySet()) {
                if (q.length() > p.length() && q.startsWith(p) && q.offsetByCodePoints(p.length(), 1) == q.length()) {
                    int c = q.codePointAt(p.length());
                    alts.add(literal(new String(Character.toChars(c))) + " " + names.get(q));
                    others.append(classChar(c));
                }
            }
            alts.add(others + "] char* \"\\\"\"");
            alts.add("[\\\\] ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4}) char* \"\\\"\"");
            if (!prefixes.get(p)) {
                alts.add("\"\\\"\"");
            }
            rules.put(names.get(p), String.join(" | ", alts));
        }
        return "\"\\\"\" " + names.get("");
    }

    private static String classChar(int c) {
        if (c == ']' || c == '\\' || c == '-' || c == '^' || c == '"') {
            return "\\" + (char) c;
        }
        return new String(Character.toChars(c));
    }

    /** A named rule for {@code body}; identical bodies share one rule. */
    private String rule(String hint, String body) {
        if (body.matches("[A-Za-z0-9-]+")) {
            return body; // already a rule name
        }
        String known = byBody.get(body);
        if (known != null) {
            return known;
        }
        String name = sanitize(hint);
        while (rules.containsKey(name) || PRIMITIVES.containsKey(name)) {
            name = sanitize(hint) + "-" + (counter++);
        }
        rules.put(name, body);
        byBody.put(body, name);
        return name;
    }

    private String primitive(String name) {
        if (primitives.add(name)) {
            for (String dep : USES.getOrDefault(name, List.of())) {
                primitive(dep);
            }
        }
        return name;
    }

    private String write() {
        StringBuilder out = new StringBuilder();
        out.append("root ::= ").append(rules.get("root")).append('\n');
        for (Map.Entry<String, String> r : rules.entrySet()) {
            if (!r.getKey().equals("root")) {
                out.append(r.getKey()).append(" ::= ").append(r.getValue()).append('\n');
            }
        }
        for (String p : primitives) {
            out.append(p).append(" ::= ").append(PRIMITIVES.get(p)).append('\n');
        }
        return out.toString();
    }

    /** A GBNF string literal matching exactly {@code text}. */
    static String literal(String text) {
        StringBuilder b = new StringBuilder("\"");
        text.codePoints().forEach(c -> {
            if (JsonText.sharedEscape(c, b)) {
                return;
            }
            if (c < 0x20 || c == 0x7F) {
                b.append(String.format("\\x%02X", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.append('"').toString();
    }

    private static String sanitize(String s) {
        String r = s.replaceAll("[^A-Za-z0-9-]+", "-");
        return r.isEmpty() ? "x" : r;
    }

    private void checkOnly(Map<String, Object> s, String path, Set<String> allowed) {
        for (String k : s.keySet()) {
            if (!allowed.contains(k) && !ANNOTATIONS.contains(k)) {
                throw unsupported(path, "'" + k + "'" + (s.containsKey("type") ? " for type " + s.get("type") : ""));
            }
        }
    }

    private GrammarException unsupported(String path, String what) {
        return new GrammarException(param, "the JSON schema feature " + what + " at " + path
                + " is not supported by constrained decoding");
    }
}
