package dev.jllm.runtime.sampling.grammar;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GbnfGrammarTest {

    /** Whether the whole string is a sentence of the grammar. */
    static boolean matches(Grammar g, String s) {
        GrammarMatcher m = g.matcher();
        return m.acceptBytes(s.getBytes(StandardCharsets.UTF_8)) && m.isComplete();
    }

    @Test
    void literalsAlternativesAndGroups() {
        Grammar g = Grammar.parse("""
                root ::= greeting " " ("world" | "there")   # a comment
                greeting ::= "hello" | "hi"
                """);
        assertTrue(matches(g, "hello world"));
        assertTrue(matches(g, "hi there"));
        assertFalse(matches(g, "hi"));
        assertFalse(matches(g, "hello  world"));
        assertFalse(matches(g, "hey world"));
        assertFalse(matches(g, "hello worlds"));
    }

    @Test
    void repetitions() {
        Grammar g = Grammar.parse("root ::= \"a\"* \"b\"+ \"c\"? [0-9]{2,3} \"x\"{2} \"y\"{1,}");
        assertTrue(matches(g, "bb12xxy"));
        assertTrue(matches(g, "aaabc123xxyyy"));
        assertFalse(matches(g, "ac12xxy"));
        assertFalse(matches(g, "b1xxy"));
        assertFalse(matches(g, "b1234xxy"));
        assertFalse(matches(g, "b12xy"));
        assertFalse(matches(g, "b12xx"));
    }

    @Test
    void classesNegationRangesAndEscapes() {
        Grammar g = Grammar.parse("""
                root ::= [a-cx] [^a-z\\n] "\\x41\\u00e9\\t\\"\\\\" [\\]\\-] .
                """);
        assertTrue(matches(g, "bZAé\t\"\\]€"));
        assertTrue(matches(g, "x!Aé\t\"\\-\n"));
        assertFalse(matches(g, "dZAé\t\"\\]x"));
        assertFalse(matches(g, "bzAé\t\"\\]x"));
        assertFalse(matches(g, "b\nAé\t\"\\]x"));
        // a negated class takes any character outside it, multi-byte ones included
        assertTrue(matches(Grammar.parse("root ::= [^x]+"), "日本語😀"));
        assertFalse(matches(Grammar.parse("root ::= [^x]+"), "日x"));
        // a range across encoding lengths
        Grammar wide = Grammar.parse("root ::= [\\u0070-\\U0001F600]");
        assertTrue(matches(wide, "p"));
        assertTrue(matches(wide, "ß"));
        assertTrue(matches(wide, "日"));
        assertTrue(matches(wide, "😀"));
        assertFalse(matches(wide, "😁"));
        assertFalse(matches(wide, "a"));
    }

    @Test
    void multiLineRulesAndRecursion() {
        Grammar g = Grammar.parse("""
                root ::= list
                list ::= "[" (
                    item ("," item)*
                  )? "]"
                item ::= [0-9]+ |
                    list
                """);
        assertTrue(matches(g, "[]"));
        assertTrue(matches(g, "[1,[2,[]],33]"));
        assertFalse(matches(g, "[1,]"));
        assertFalse(matches(g, "[[1]"));
    }

    @Test
    void errorsSayWhatAndWhere() {
        assertTrue(assertThrows(GrammarException.class, () -> Grammar.parse("start ::= \"a\""))
                .getMessage().contains("root"));
        assertTrue(assertThrows(GrammarException.class, () -> Grammar.parse("root ::= foo"))
                .getMessage().contains("'foo' is not defined"));
        assertTrue(assertThrows(GrammarException.class, () -> Grammar.parse("root ::= \"a"))
                .getMessage().contains("unterminated"));
        assertTrue(assertThrows(GrammarException.class, () -> Grammar.parse("root ::= [b-a]"))
                .getMessage().contains("backwards"));
        assertTrue(assertThrows(GrammarException.class, () -> Grammar.parse("root ::= root \"a\" | \"b\""))
                .getMessage().contains("left-recursive"));
        assertTrue(assertThrows(GrammarException.class, () -> Grammar.parse("root ::= x\nx ::= \"\"? root"))
                .getMessage().contains("left-recursive"));
        assertTrue(assertThrows(GrammarException.class, () -> Grammar.parse("root ::= \"a\"{3,1}"))
                .getMessage().contains("maximum"));
        assertTrue(assertThrows(GrammarException.class, () -> Grammar.parse("root ::= * \"a\""))
                .getMessage().contains("line 1"));
        assertTrue(assertThrows(GrammarException.class, () -> Grammar.parse("root ::= \"\\q\""))
                .getMessage().contains("escape"));
    }

    @Test
    void acceptBytesLeavesStateUnchangedOnRejection() {
        Grammar g = Grammar.parse("root ::= \"ab\" \"cd\"");
        GrammarMatcher m = g.matcher();
        assertTrue(m.acceptBytes("a".getBytes()));
        assertFalse(m.acceptBytes("bx".getBytes()));
        assertTrue(m.acceptBytes("bc".getBytes()));
        assertFalse(m.isComplete());
        assertTrue(m.acceptBytes("d".getBytes()));
        assertTrue(m.isComplete());
        assertTrue(m.isFinished());
    }

    /** Incremental matching (random cuts, UTF-8 characters split) agrees with matching the whole string. */
    @Test
    void incrementalAgreesWithWholeOnRandomStrings() {
        Grammar g = Grammar.parse(JsonSchemaGrammar.anyObject());
        Random rnd = new Random(7);
        String alphabet = "{}[]\":,0123456789.-eE truefalsnul\\é日\n";
        int valid = 0;
        for (int n = 0; n < 3000; n++) {
            String generated = RandomJson.object(rnd, 3);
            String s = n % 3 == 0 ? mutate(generated, rnd, alphabet) : randomString(rnd, alphabet);
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            boolean whole = matches(g, s);
            GrammarMatcher m = g.matcher();
            boolean alive = true;
            int i = 0;
            while (i < bytes.length && alive) {
                int len = 1 + rnd.nextInt(4);
                byte[] piece = java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + len));
                alive = m.acceptBytes(piece);
                i += len;
            }
            assertEquals(whole, alive && m.isComplete(), s);
            // The grammar's JSON is a subset (bounded whitespace and digits): what it takes must parse,
            // and the generated documents (within those bounds) must be taken.
            if (whole) {
                assertTrue(JsonCheck.parse(s) instanceof java.util.Map, "accepted but not a JSON object: " + s);
            }
            if (s.equals(generated)) {
                assertTrue(whole, "a JSON object the grammar refused: " + s);
            }
            valid += whole ? 1 : 0;
        }
        assertTrue(valid > 500, "enough valid samples: " + valid);
    }

    private static String randomString(Random rnd, String alphabet) {
        StringBuilder b = new StringBuilder("{");
        int n = rnd.nextInt(12);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static String mutate(String s, Random rnd, String alphabet) {
        if (rnd.nextBoolean()) {
            return s;
        }
        StringBuilder b = new StringBuilder(s);
        int at = rnd.nextInt(b.length() + 1);
        if (rnd.nextBoolean() && at < b.length()) {
            b.deleteCharAt(at);
        } else {
            b.insert(at, alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** Random JSON documents for the tests. */
    static final class RandomJson {
        static String object(Random rnd, int depth) {
            StringBuilder b = new StringBuilder("{");
            int n = rnd.nextInt(3);
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                parts.add("\"k" + rnd.nextInt(10) + "\"" + (rnd.nextBoolean() ? " " : "") + ":" + value(rnd, depth - 1));
            }
            return b.append(String.join(rnd.nextBoolean() ? "," : ", ", parts)).append("}").toString();
        }

        static String value(Random rnd, int depth) {
            return switch (rnd.nextInt(depth > 0 ? 7 : 5)) {
                case 0 -> "\"s" + (rnd.nextBoolean() ? "é\\n" : "") + "\"";
                case 1 -> Integer.toString(rnd.nextInt(2000) - 1000);
                case 2 -> "-1.5e3";
                case 3 -> rnd.nextBoolean() ? "true" : "null";
                case 4 -> "0.25";
                case 5 -> object(rnd, depth);
                default -> "[" + value(rnd, depth - 1) + "," + value(rnd, depth - 1) + "]";
            };
        }
    }
}
