package dev.jllm.runtime.sampling.grammar;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a template family writes a tool call, for forcing one by grammar ({@code tool_choice} "required" or a
 * named function): the wrapper text exactly as the family's models emit it, around {@code {"name": ...,
 * "arguments"/"parameters": ...}} with the arguments following the function's {@code parameters} schema. The
 * output is then the text the family's tool-call parser reads back into OpenAI {@code tool_calls}.
 */
public enum ToolCallFormat {
    /** Hermes 2 Pro, Qwen 2.5 / Qwen 3: {@code <tool_call>\n{"name": "f", "arguments": {...}}\n</tool_call>}. */
    HERMES("", "", "\"<tool_call>\\n\"", "\"\\n</tool_call>\"", "\"\\n\"", "arguments"),
    /** Llama 3.1+ JSON tool calls: {@code {"name": "f", "parameters": {...}}} (one call). */
    LLAMA3("", "", "", "", null, "parameters"),
    /** Mistral: {@code [TOOL_CALLS][{"name": "f", "arguments": {...}}]} (the marker spelled as text). */
    MISTRAL("\"[TOOL_CALLS][\"", "\"]\"", "", "", "\", \"", "arguments"),
    /** llama.cpp's generic fallback: {@code {"tool_calls": [{"name": "f", "arguments": {...}}]}}. */
    GENERIC("\"{\\\"tool_calls\\\": [\"", "\"]}\"", "", "", "\", \"", "arguments");

    // GBNF pieces: around the list of calls, around each call, between two calls (null: one call only)
    private final String listOpen;
    private final String listClose;
    private final String callOpen;
    private final String callClose;
    private final String separator;
    private final String argumentsKey;

    ToolCallFormat(String listOpen, String listClose, String callOpen, String callClose, String separator,
                   String argumentsKey) {
        this.listOpen = listOpen;
        this.listClose = listClose;
        this.callOpen = callOpen;
        this.callClose = callClose;
        this.separator = separator;
        this.argumentsKey = argumentsKey;
    }

    /** The format a chat template writes tool calls in, from markers in its text; GENERIC when none is found. */
    public static ToolCallFormat detect(String templateSource) {
        String t = templateSource == null ? "" : templateSource;
        if (t.contains("<tool_call>")) {
            return HERMES;
        }
        if (t.contains("[TOOL_CALLS]")) {
            return MISTRAL;
        }
        if (t.contains("<|start_header_id|>") && (t.contains("<|python_tag|>") || t.contains("\"parameters\"")
                || t.contains("tools"))) {
            return LLAMA3;
        }
        return GENERIC;
    }

    /** The key holding the arguments object ("arguments", or "parameters" for Llama 3). */
    public String argumentsKey() {
        return argumentsKey;
    }

    /** A function that may be called: its name, its {@code parameters} schema (null: any object), and where it is. */
    public record Function(String name, Map<String, Object> parameters, String param) { }

    /**
     * GBNF for a forced call of one of {@code functions} (several calls when {@code parallel} and the format
     * can carry them).
     *
     * @throws GrammarException naming the function's {@code parameters} when its schema is not supported
     */
    public String gbnf(List<Function> functions, boolean parallel) {
        if (functions.isEmpty()) {
            throw new GrammarException("no function to call");
        }
        JsonSchemaGrammar b = JsonSchemaGrammar.builder();
        List<String> calls = new ArrayList<>();
        for (int i = 0; i < functions.size(); i++) {
            Function f = functions.get(i);
            Object schema = f.parameters() == null ? Map.of("type", "object") : f.parameters();
            String args = b.add(schema, f.param(), "fn" + i + "-args");
            String head = "{\"name\": " + JsonText.write(f.name()) + ", \"" + argumentsKey + "\": ";
            calls.add(join(callOpen, JsonSchemaGrammar.literal(head) + " " + args + " \"}\"", callClose));
        }
        String call = "(" + String.join(" | ", calls) + ")";
        String body = parallel && separator != null ? call + " (" + separator + " " + call + ")*" : call;
        return b.gbnf(join(listOpen, body, listClose));
    }

    private static String join(String before, String middle, String after) {
        return (before.isEmpty() ? "" : before + " ") + middle + (after.isEmpty() ? "" : " " + after);
    }
}
