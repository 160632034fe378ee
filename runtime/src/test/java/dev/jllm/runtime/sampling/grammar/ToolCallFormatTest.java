package dev.jllm.runtime.sampling.grammar;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToolCallFormatTest {
    static final Map<String, Object> PARAMS = Map.of("type", "object",
            "properties", Map.of("city", Map.of("type", "string")), "required", List.of("city"));
    static final List<ToolCallFormat.Function> FUNCTIONS = List.of(
            new ToolCallFormat.Function("get_weather", PARAMS, "tools[0].function.parameters"),
            new ToolCallFormat.Function("now", null, "tools[1].function.parameters"));

    @Test
    void familiesAreFoundFromTheTemplateText() {
        assertEquals(ToolCallFormat.HERMES, ToolCallFormat.detect("{%- if tools %}<tools>...</tools> <tool_call>"));
        assertEquals(ToolCallFormat.MISTRAL, ToolCallFormat.detect("{{ '[TOOL_CALLS]' + tool_calls|tojson }}"));
        assertEquals(ToolCallFormat.LLAMA3, ToolCallFormat.detect(
                "<|start_header_id|>ipython<|end_header_id|> {\"name\": function name, \"parameters\": ...} tools"));
        assertEquals(ToolCallFormat.GENERIC, ToolCallFormat.detect("{{ bos_token }}{{ message['content'] }}"));
        assertEquals(ToolCallFormat.GENERIC, ToolCallFormat.detect(null));
    }

    @Test
    void eachFamilyForcesItsOwnSyntax() {
        String args = "{\"city\": \"Paris\"}";
        check(ToolCallFormat.HERMES, "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": " + args + "}\n</tool_call>",
                "<tool_call>\n{\"name\": \"now\", \"arguments\": {}}\n</tool_call>\n<tool_call>\n{\"name\": \"now\","
                        + " \"arguments\": {}}\n</tool_call>");
        check(ToolCallFormat.LLAMA3, "{\"name\": \"get_weather\", \"parameters\": " + args + "}", null);
        check(ToolCallFormat.MISTRAL, "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": " + args + "}]",
                "[TOOL_CALLS][{\"name\": \"now\", \"arguments\": {}}, {\"name\": \"get_weather\", \"arguments\": "
                        + args + "}]");
        check(ToolCallFormat.GENERIC, "{\"tool_calls\": [{\"name\": \"get_weather\", \"arguments\": " + args + "}]}",
                "{\"tool_calls\": [{\"name\": \"now\", \"arguments\": {}}, {\"name\": \"now\", \"arguments\": {}}]}");
    }

    private static void check(ToolCallFormat f, String one, String two) {
        Grammar single = Grammar.parse(f.gbnf(FUNCTIONS, false));
        Grammar parallel = Grammar.parse(f.gbnf(FUNCTIONS, true));
        assertTrue(GbnfGrammarTest.matches(single, one), f + ": " + one);
        assertTrue(GbnfGrammarTest.matches(parallel, one), f + ": " + one);
        // the arguments must follow the schema, and only known functions are callable
        assertFalse(GbnfGrammarTest.matches(single, one.replace("\"city\"", "\"town\"")));
        assertFalse(GbnfGrammarTest.matches(single, one.replace("get_weather", "get_wether")));
        if (two != null) {
            assertTrue(GbnfGrammarTest.matches(parallel, two), f + ": " + two);
            assertFalse(GbnfGrammarTest.matches(single, two), f + " single: " + two);
        }
    }
}
