package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ResponseFormat;
import dev.jllm.api.openai.Tool;
import dev.jllm.api.openai.ToolChoice;
import dev.jllm.runtime.sampling.grammar.Grammar;
import dev.jllm.runtime.sampling.grammar.GrammarException;
import dev.jllm.runtime.sampling.grammar.JsonSchemaGrammar;
import dev.jllm.runtime.sampling.grammar.ToolCallFormat;

import java.util.ArrayList;
import java.util.List;

/**
 * The grammar a chat request constrains its answer to, if any: {@code response_format} json_object or
 * json_schema, llama.cpp's {@code grammar} (GBNF) or {@code json_schema}, or a forced tool call ({@code
 * tool_choice} "required" or a named function) in the model's template family's syntax with arguments following
 * the function's {@code parameters}. A forced tool call takes precedence over {@code response_format}, which
 * governs plain answers only; two answer formats at once are refused.
 */
final class StructuredOutput {
    private StructuredOutput() {
    }

    /**
     * @param templateSource the model's chat template text (to find its tool-call syntax)
     * @return the grammar, or null for free text
     * @throws LlmException INVALID_REQUEST naming the parameter when it cannot be compiled
     */
    static Grammar grammar(ChatCompletionRequest r, String templateSource) {
        Grammar forced = forcedToolCall(r, templateSource);
        if (forced != null) {
            if (r.grammar() != null || r.jsonSchema() != null) {
                throw ChatRequests.invalid(r.grammar() != null ? "grammar" : "json_schema",
                        "cannot be combined with a forced tool_choice");
            }
            return forced;
        }
        List<String> given = new ArrayList<>();
        ResponseFormat rf = r.responseFormat();
        boolean format = rf != null && rf.type() != null && !"text".equals(rf.type());
        if (format) {
            given.add("response_format");
        }
        if (r.grammar() != null) {
            given.add("grammar");
        }
        if (r.jsonSchema() != null) {
            given.add("json_schema");
        }
        if (given.size() > 1) {
            throw ChatRequests.invalid(given.get(1), "cannot be combined with '" + given.getFirst()
                    + "': give one answer format");
        }
        if (r.grammar() != null) {
            return compile("grammar", () -> Grammar.parse(r.grammar()));
        }
        if (r.jsonSchema() != null) {
            return compile("json_schema", () -> JsonSchemaGrammar.compile(r.jsonSchema(), "json_schema"));
        }
        if (!format) {
            return null;
        }
        return switch (rf.type()) {
            case "json_object" -> compile("response_format", () -> Grammar.parse(JsonSchemaGrammar.anyObject()));
            case "json_schema" -> {
                if (rf.jsonSchema() == null) {
                    throw ChatRequests.invalid("response_format", "type json_schema needs 'json_schema'");
                }
                Object schema = rf.jsonSchema().schema() == null ? java.util.Map.of("type", "object")
                        : rf.jsonSchema().schema();
                yield compile("response_format.json_schema.schema",
                        () -> JsonSchemaGrammar.compile(schema, "response_format.json_schema.schema"));
            }
            default -> throw ChatRequests.invalid("response_format.type", "must be text, json_object or json_schema,"
                    + " got '" + rf.type() + "'");
        };
    }

    private static Grammar forcedToolCall(ChatCompletionRequest r, String templateSource) {
        ToolChoice choice = r.toolChoice();
        if (choice == null || choice instanceof ToolChoice.Mode m && !"required".equals(m.mode())) {
            return null;
        }
        List<Tool> tools = r.tools() == null ? List.of() : r.tools();
        if (tools.isEmpty()) {
            throw ChatRequests.invalid("tool_choice", "a forced tool call needs 'tools'");
        }
        List<ToolCallFormat.Function> functions = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            Tool t = tools.get(i);
            if (t.function() == null || t.function().name() == null) {
                throw ChatRequests.invalid("tools[" + i + "].function", "needs a name");
            }
            if (choice instanceof ToolChoice.Function named && !named.name().equals(t.function().name())) {
                continue;
            }
            functions.add(new ToolCallFormat.Function(t.function().name(), t.function().parameters(),
                    "tools[" + i + "].function.parameters"));
        }
        if (functions.isEmpty()) {
            throw ChatRequests.invalid("tool_choice", "names function '" + ((ToolChoice.Function) choice).name()
                    + "', which is not among the 'tools'");
        }
        ToolCallFormat format = ToolCallFormat.detect(templateSource);
        boolean parallel = choice instanceof ToolChoice.Mode && Boolean.TRUE.equals(r.parallelToolCalls());
        return compile("tool_choice", () -> Grammar.parse(format.gbnf(functions, parallel)));
    }

    private static Grammar compile(String param, java.util.function.Supplier<Grammar> build) {
        try {
            return build.get();
        } catch (GrammarException e) {
            // schema errors name the parameter they are about (a tool's parameters, say); GBNF ones do not
            throw e.param() != null ? LlmException.invalidParam(e.param(), e.detail())
                    : LlmException.invalidParam(param, e.getMessage());
        }
    }
}
