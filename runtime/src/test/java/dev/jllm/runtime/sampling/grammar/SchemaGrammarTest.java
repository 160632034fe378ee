package dev.jllm.runtime.sampling.grammar;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchemaGrammarTest {

    /** A small vocabulary: every printable ASCII character, multi-character pieces, split UTF-8, then EOG. */
    static final List<byte[]> VOCAB = new ArrayList<>();
    static final int EOG;

    static {
        for (char c = 32; c < 127; c++) {
            VOCAB.add(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
        }
        for (String s : List.of("\n", "\t", "{\"", "\":", "\",", "\": \"", "true", "false", "null", "  ", "\n  ",
                "é", " {", "}]", "\"}", "12", "0.", "-1", "name", "\":\"", "},{", "[]", "{}", "2024-", "01", "T1",
                ":00", "Z\"", "\\n", "\\u00", "e+", "aaaa", "\"]", ", \"", "ab\"", "c\":")) {
            VOCAB.add(s.getBytes(StandardCharsets.UTF_8));
        }
        byte[] jp = "日".getBytes(StandardCharsets.UTF_8);
        VOCAB.add(new byte[] {jp[0], jp[1]});
        VOCAB.add(new byte[] {jp[2]});
        VOCAB.add(new byte[0]); // a control token: never allowed
        EOG = VOCAB.size();
        VOCAB.add(new byte[0]);
    }

    static final TokenTrie TRIE = TokenTrie.of(VOCAB.toArray(new byte[0][]), EOG);

    static Map<String, Object> schema(String json) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) toPlain(JsonCheck.parse(json));
        return m;
    }

    /** JsonCheck values to what JSON-B hands the compiler (null for JSON null). */
    static Object toPlain(Object v) {
        if (v == JsonCheck.NULL) {
            return null;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, toPlain(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(toPlain(x)));
            return out;
        }
        return v;
    }

    /**
     * Random generations under the grammar: each step draws among the allowed tokens (closing characters
     * weighted up so documents end). Returns the finished documents.
     */
    static List<String> generate(Grammar g, int count, long seed) {
        Random rnd = new Random(seed);
        List<String> done = new ArrayList<>();
        long[] mask = new long[(VOCAB.size() + 63) / 64];
        for (int n = 0; n < count; n++) {
            GrammarMatcher m = g.matcher(TRIE);
            StringBuilder bytes = new StringBuilder();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (int step = 0; step < 400 && !m.isFinished(); step++) {
                m.allowedTokens(mask);
                List<Integer> allowed = new ArrayList<>();
                for (int t = 0; t < VOCAB.size(); t++) {
                    if ((mask[t >>> 6] >>> (t & 63) & 1) != 0) {
                        allowed.add(t);
                        String txt = new String(VOCAB.get(t), StandardCharsets.UTF_8);
                        if (t == EOG || txt.contains("\"") || txt.contains("}") || txt.contains("]")
                                || txt.contains(",")) {
                            for (int w = 0; w < 6; w++) {
                                allowed.add(t);
                            }
                        }
                    }
                }
                assertFalse(allowed.isEmpty(), "no token allowed after: " + out);
                int t = allowed.get(rnd.nextInt(allowed.size()));
                assertTrue(m.acceptToken(t), "masked-in token refused");
                if (t == EOG) {
                    break;
                }
                out.writeBytes(VOCAB.get(t));
            }
            if (m.isFinished()) {
                done.add(out.toString(StandardCharsets.UTF_8));
            }
            bytes.setLength(0);
        }
        return done;
    }

    static void assertGeneratesValid(String schemaJson) {
        Map<String, Object> schema = schema(schemaJson);
        Grammar g = JsonSchemaGrammar.compile(schema, "response_format.json_schema.schema");
        List<String> docs = generate(g, 60, schemaJson.hashCode());
        assertTrue(docs.size() >= 20, "too few documents finished (" + docs.size() + ") for " + schemaJson);
        for (String d : docs) {
            Object v;
            try {
                v = JsonCheck.parse(d);
            } catch (IllegalArgumentException e) {
                throw new AssertionError("not JSON: " + d + "\ngrammar:\n" + g.source(), e);
            }
            assertFalse(JsonCheck.hasDuplicateKeys(d), "duplicate keys: " + d);
            List<String> errors = JsonCheck.validate(v, schema);
            assertTrue(errors.isEmpty(), d + " -> " + errors + "\ngrammar:\n" + g.source());
        }
    }

    @Test
    void objectsWithRequiredAndOptionalPropertiesInOrder() {
        assertGeneratesValid("""
                {"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"},"c":{"type":"boolean"},
                 "d":{"type":"null"}},"required":["b","d"],"additionalProperties":false}""");
        // order: declared order, optional ones may be left out
        Grammar g = JsonSchemaGrammar.compile(schema("""
                {"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"string"}},"required":["b"]}"""), "p");
        accepts(g, "{\"a\": 1, \"b\": \"x\"}", "{\"b\":\"x\"}");
        rejects(g, "{\"b\":\"x\",\"a\":1}", "{\"a\":1}", "{\"b\":\"x\",\"z\":1}", "{,\"b\":\"x\"}");
    }

    @Test
    void additionalPropertiesTrueOrSchemaExcludesDeclaredNames() {
        assertGeneratesValid("""
                {"type":"object","properties":{"ab":{"type":"integer"}},"additionalProperties":{"type":"number"}}""");
        Grammar g = JsonSchemaGrammar.compile(schema("""
                {"type":"object","properties":{"ab":{"type":"integer"}},"additionalProperties":true}"""), "p");
        accepts(g, "{\"ab\":1,\"a\":[1],\"abc\":null}", "{\"x\":{}}");
        rejects(g, "{\"ab\":1,\"ab\":2}");
    }

    @Test
    void arraysEnumsConstAndStrings() {
        assertGeneratesValid("""
                {"type":"array","items":{"enum":["red","green",3,null,true]},"minItems":1,"maxItems":3}""");
        assertGeneratesValid("""
                {"type":"object","properties":{"k":{"const":{"x":[1,"y"]}},"s":{"type":"string","minLength":2,
                 "maxLength":4},"t":{"type":"array","prefixItems":[{"type":"integer"},{"type":"string"}]}},
                 "required":["k","s","t"]}""");
        Grammar g = JsonSchemaGrammar.compile(schema("{\"type\":\"string\",\"minLength\":2,\"maxLength\":3}"), "p");
        accepts(g, "\"ab\"", "\"a\\nb\"", "\"日本語\"");
        rejects(g, "\"a\"", "\"abcd\"");
    }

    @Test
    void integerRanges() {
        for (String bounds : List.of("\"minimum\":-12,\"maximum\":305", "\"minimum\":7", "\"maximum\":-3",
                "\"exclusiveMinimum\":0,\"exclusiveMaximum\":100", "\"minimum\":1000,\"maximum\":1000",
                "\"minimum\":-5.5,\"maximum\":2.5")) {
            String schema = "{\"type\":\"integer\"," + bounds + "}";
            Grammar g = JsonSchemaGrammar.compile(schema(schema), "p");
            Map<String, Object> sc = schema(schema);
            for (int v = -2000; v <= 2000; v++) {
                boolean inRange = JsonCheck.validate(new java.math.BigDecimal(v), sc).isEmpty();
                assertEquals(inRange, GbnfGrammarTest.matches(g, Integer.toString(v)), schema + " at " + v);
            }
            rejects(g, "007", "-0");
        }
    }

    @Test
    void numberRangesWithWholeBounds() {
        for (String bounds : List.of("\"minimum\":0,\"maximum\":1", "\"exclusiveMinimum\":-2,\"maximum\":3",
                "\"minimum\":-1,\"exclusiveMaximum\":0", "\"exclusiveMinimum\":5")) {
            String schema = "{\"type\":\"number\"," + bounds + "}";
            Grammar g = JsonSchemaGrammar.compile(schema(schema), "p");
            Map<String, Object> sc = schema(schema);
            for (String v : List.of("0", "0.5", "1", "1.0", "1.01", "-0.5", "-1", "-1.5", "-2", "-2.0", "-1.999",
                    "2.75", "3", "3.00", "3.1", "5", "5.0", "5.001", "60", "-0.0", "0.000")) {
                boolean inRange = JsonCheck.validate(new java.math.BigDecimal(v), sc).isEmpty();
                boolean negativeZero = v.startsWith("-0") && new java.math.BigDecimal(v).signum() == 0;
                assertEquals(inRange && !negativeZero, GbnfGrammarTest.matches(g, v), schema + " at " + v);
            }
        }
        assertGeneratesValid("{\"type\":\"number\",\"minimum\":0,\"maximum\":1}");
    }

    @Test
    void anyOfRefsNullableAndTypeArrays() {
        assertGeneratesValid("""
                {"$defs":{"node":{"type":"object","properties":{"v":{"type":"integer"},
                 "next":{"anyOf":[{"$ref":"#/$defs/node"},{"type":"null"}]}},"required":["v","next"]}},
                 "$ref":"#/$defs/node"}""");
        assertGeneratesValid("""
                {"type":"object","properties":{"a":{"type":["string","null"]},"b":{"type":"integer","nullable":true},
                 "c":{"oneOf":[{"type":"boolean"},{"type":"array","items":{"type":"integer"},"maxItems":2}]}},
                 "required":["a","b","c"]}""");
    }

    @Test
    void formats() {
        assertGeneratesValid("""
                {"type":"object","properties":{"d":{"type":"string","format":"date"},
                 "u":{"type":"string","format":"uuid"}},"required":["d","u"]}""");
        Grammar g = JsonSchemaGrammar.compile(schema("{\"type\":\"string\",\"format\":\"date-time\"}"), "p");
        accepts(g, "\"2024-02-29T12:30:00Z\"", "\"2024-02-29T12:30:00.123+01:00\"");
        rejects(g, "\"2024-13-29T12:30:00Z\"");
    }

    @Test
    void jsonObjectModeTakesAnyObject() {
        Grammar g = Grammar.parse(JsonSchemaGrammar.anyObject());
        accepts(g, "{}", "{\"a\": [1, {\"b\": null}], \"c\": \"日\"}");
        rejects(g, "[1]", "\"x\"");
        for (String d : generate(g, 40, 3)) {
            assertTrue(JsonCheck.isJsonObject(d), d);
        }
    }

    @Test
    void unsupportedFeaturesAreNamed() {
        for (String[] c : new String[][] {
                {"{\"type\":\"string\",\"pattern\":\"^a+$\"}", "'pattern'"},
                {"{\"type\":\"string\",\"format\":\"email\"}", "format 'email'"},
                {"{\"type\":\"array\",\"uniqueItems\":true}", "'uniqueItems'"},
                {"{\"type\":\"number\",\"maximum\":0.5}", "not a whole number"},
                {"{\"allOf\":[{\"type\":\"string\"},{\"type\":\"string\"}]}", "'allOf'"},
                {"{\"$ref\":\"http://x/y.json\"}", "another document"},
                {"{\"type\":\"object\",\"patternProperties\":{}}", "'patternProperties'"},
                {"{\"type\":\"integer\",\"multipleOf\":3}", "'multipleOf'"},
                {"{\"type\":\"integer\",\"minimum\":5,\"maximum\":4}", "no integer"}}) {
            GrammarException e = assertThrows(GrammarException.class,
                    () -> JsonSchemaGrammar.compile(schema(c[0]), "response_format.json_schema.schema"), c[0]);
            assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains("response_format.json_schema.schema"),
                    e.getMessage());
        }
    }

    /** The mask from the trie walk is exactly the set of tokens the matcher accepts one by one. */
    @Test
    void maskAgreesWithTokenByTokenAcceptance() {
        Grammar g = JsonSchemaGrammar.compile(schema("""
                {"type":"object","properties":{"name":{"type":"string"},"n":{"type":"integer","minimum":10}},
                 "required":["name","n"]}"""), "p");
        Random rnd = new Random(11);
        long[] mask = new long[(VOCAB.size() + 63) / 64];
        for (int run = 0; run < 10; run++) {
            List<Integer> history = new ArrayList<>();
            GrammarMatcher m = g.matcher(TRIE);
            for (int step = 0; step < 40 && !m.isFinished(); step++) {
                m.allowedTokens(mask);
                List<Integer> allowed = new ArrayList<>();
                for (int t = 0; t < VOCAB.size(); t++) {
                    GrammarMatcher replay = g.matcher(TRIE);
                    for (int h : history) {
                        assertTrue(replay.acceptToken(h));
                    }
                    boolean one = replay.acceptToken(t);
                    assertEquals(one, (mask[t >>> 6] >>> (t & 63) & 1) != 0, "token " + t + " after " + history);
                    if (one) {
                        allowed.add(t);
                    }
                }
                int t = allowed.get(rnd.nextInt(allowed.size()));
                assertTrue(m.acceptToken(t));
                history.add(t);
            }
        }
    }

    /** Each text matches the grammar. */
    private static void accepts(Grammar g, String... texts) {
        for (String text : texts) {
            assertTrue(GbnfGrammarTest.matches(g, text), text);
        }
    }

    /** No text matches the grammar. */
    private static void rejects(Grammar g, String... texts) {
        for (String text : texts) {
            assertFalse(GbnfGrammarTest.matches(g, text), text);
        }
    }
}
