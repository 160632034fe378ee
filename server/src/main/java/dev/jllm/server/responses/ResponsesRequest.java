package dev.jllm.server.responses;

import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.ContentPart;
import dev.jllm.api.openai.ResponseFormat;
import dev.jllm.api.openai.Tool;
import dev.jllm.api.openai.ToolChoice;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ApiException;
import dev.jllm.server.openai.JsonFields;
import dev.jllm.server.translate.Conversation;
import dev.jllm.server.translate.Tools;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A {@code POST /v1/responses} body, checked member by member and translated into a Chat Completions request:
 * {@code instructions} as the system message, then the stored conversation of {@code previous_response_id}, then
 * {@code input} (a string, or message / function_call / function_call_output items). Members that cannot be
 * honoured are refused by name with the reason; those that change nothing here are accepted (docs/server.md).
 *
 * @param chat        the request for the Chat Completions machinery
 * @param history     the conversation without the instructions (what a later {@code previous_response_id} continues)
 * @param body        the request as sent, for the fields the response echoes
 * @param store       whether the response is kept for {@code previous_response_id}
 */
record ResponsesRequest(ChatCompletionRequest chat, List<ChatMessage> history, JsonObject body, boolean store) {

    private static final Set<String> FIELDS = Set.of("model", "input", "instructions", "max_output_tokens",
            "temperature", "top_p", "tools", "tool_choice", "parallel_tool_calls", "text", "reasoning", "stream",
            "stream_options", "store", "previous_response_id", "include", "metadata", "user", "safety_identifier",
            "prompt_cache_key", "prompt_cache_retention", "service_tier", "truncation", "background", "top_logprobs",
            "max_tool_calls", "conversation", "prompt", "context_management", "moderation", "seed", "top_k");
    /** Members refused with a reason: they need state or services a local server does not have. */
    private static final Set<String> REFUSED = Set.of("conversation", "prompt", "context_management", "moderation");

    static ResponsesRequest parse(JsonObject body, ResponseStore store) {
        JsonFields f = JsonFields.of(body);
        f.allowOnly(FIELDS);
        for (String key : REFUSED) {
            if (f.has(key)) {
                throw ApiException.invalid("'" + key + "' refers to state kept by OpenAI's platform, which jllm does"
                        + " not have; send the conversation as 'input' (or use 'previous_response_id')", key);
            }
        }
        if (Boolean.TRUE.equals(f.bool("background"))) {
            throw ApiException.invalid("'background' responses are not supported: jllm answers while the request is"
                    + " open (stream it for progress, or use /v1/jobs)", "background");
        }
        if (f.integer("top_logprobs", 0, 20) != null) {
            throw ApiException.invalid("'top_logprobs' is not supported on /v1/responses; ask /v1/chat/completions"
                    + " for logprobs", "top_logprobs");
        }
        if ("auto".equals(f.oneOf("truncation", Set.of("auto", "disabled")))) {
            throw ApiException.invalid("'truncation' auto (dropping earlier input to fit the context) is not"
                    + " supported; send 'disabled' or leave it out", "truncation");
        }
        include(f);
        Integer maxCalls = f.integer("max_tool_calls", 1, Integer.MAX_VALUE);
        if (maxCalls != null && maxCalls > 1) {
            throw ApiException.invalid("'max_tool_calls' above 1 is not supported (1 keeps the first call; leave it"
                    + " out for no limit)", "max_tool_calls");
        }
        ChatCompletionRequest.Builder b = ChatCompletionRequest.builder()
                .model(f.string("model"))
                .maxTokens(f.integer("max_output_tokens", 1, Integer.MAX_VALUE))
                .temperature(f.number("temperature", 0, 2))
                .topP(f.number("top_p", 0, 1))
                .topK(f.integer("top_k", 0, Integer.MAX_VALUE))
                .seed(f.longInteger("seed", Long.MIN_VALUE, Long.MAX_VALUE))
                .parallelToolCalls(maxCalls != null && maxCalls == 1 ? Boolean.FALSE : f.bool("parallel_tool_calls"));
        f.bool("stream");
        JsonFields so = f.nested("stream_options");
        if (so != null) {
            so.allowOnly(Set.of("include_obfuscation"));
            so.bool("include_obfuscation"); // obfuscation pads events against side channels; jllm sends none
        }
        boolean keep = !Boolean.FALSE.equals(f.bool("store"));
        accepted(f);
        List<Tool> tools = tools(f);
        b.tools(tools.isEmpty() ? null : tools).toolChoice(toolChoice(f, tools));
        b.responseFormat(textFormat(f));
        JsonFields reasoning = f.nested("reasoning");
        if (reasoning != null) {
            reasoning.allowOnly(Set.of("effort", "summary", "generate_summary"));
            b.reasoningEffort(reasoning.oneOf("effort", Set.of("none", "minimal", "low", "medium", "high", "xhigh")));
            reasoning.oneOf("summary", Set.of("auto", "concise", "detailed"));
            reasoning.oneOf("generate_summary", Set.of("auto", "concise", "detailed"));
        }
        Conversation history = new Conversation();
        String previous = f.string("previous_response_id");
        if (previous != null) {
            List<ChatMessage> earlier = store.conversation(previous);
            if (earlier == null) {
                throw new ApiException(new ApiError(404, ApiError.INVALID_REQUEST, "Previous response with id '"
                        + previous + "' not found: jllm keeps responses in memory for a while (and never those sent"
                        + " with store: false); send the whole conversation as 'input'", "previous_response_id",
                        "previous_response_not_found", null));
            }
            history.messagesThen(earlier);
        }
        input(f, history);
        List<ChatMessage> kept = history.messages();
        if (kept.isEmpty()) {
            throw ApiException.invalid("'input' is required", "input");
        }
        List<ChatMessage> all = new ArrayList<>();
        String instructions = f.string("instructions");
        if (instructions != null) {
            all.add(ChatMessage.system(instructions));
        }
        all.addAll(kept);
        return new ResponsesRequest(b.messages(all).build(), kept, body, keep);
    }

    /** Members OpenAI uses for its dashboard, billing and caches: checked for type, nothing to do here. */
    private static void accepted(JsonFields f) {
        JsonObject metadata = f.objectMember("metadata");
        if (metadata != null) {
            JsonFields m = new JsonFields(metadata, "metadata");
            metadata.keySet().forEach(m::string);
        }
        f.string("user");
        f.string("safety_identifier");
        f.string("prompt_cache_key");
        f.oneOf("prompt_cache_retention", Set.of("in_memory", "in-memory", "24h"));
        f.oneOf("service_tier", Set.of("auto", "default", "flex", "scale", "priority"));
    }

    /** Only encrypted reasoning may be asked for (there is none to include); logprobs and search results cannot. */
    private static void include(JsonFields f) {
        JsonArray include = f.array("include");
        if (include == null) {
            return;
        }
        for (int i = 0; i < include.size(); i++) {
            String p = "include[" + i + "]";
            if (!(include.get(i) instanceof JsonString s)) {
                throw ApiException.invalid("'" + p + "' must be a string", p);
            }
            if (!s.getString().equals("reasoning.encrypted_content")) {
                throw ApiException.invalid("'" + p + "': jllm cannot include '" + s.getString() + "' (only"
                        + " 'reasoning.encrypted_content' is accepted, and jllm's reasoning is never encrypted)", p);
            }
        }
    }

    private static List<Tool> tools(JsonFields f) {
        return Tools.list(f, Set.of("type", "name", "description", "parameters", "strict"), "parameters", false, t -> {
            String type = t.requiredString("type");
            if (!type.equals("function")) {
                throw ApiException.invalid("'" + t.param("type") + "': jllm runs function tools only; '" + type
                        + "' is one of OpenAI's hosted tools", t.param("type"));
            }
        });
    }

    private static ToolChoice toolChoice(JsonFields f, List<Tool> tools) {
        JsonValue v = f.value("tool_choice");
        if (v == null) {
            return null;
        }
        ToolChoice choice;
        if (v instanceof JsonString) {
            String mode = f.oneOf("tool_choice", Set.of("none", "auto", "required"));
            choice = new ToolChoice.Mode(mode);
        } else {
            JsonFields tc = f.nested("tool_choice");
            tc.allowOnly(Set.of("type", "name"));
            if (!"function".equals(tc.requiredString("type"))) {
                throw ApiException.invalid("'tool_choice.type' must be 'function' (jllm runs function tools only)",
                        "tool_choice.type");
            }
            choice = Tools.named(tc.requiredString("name"), tools, "tool_choice.name");
        }
        if (tools.isEmpty() && !(choice instanceof ToolChoice.Mode m && m.mode().equals("none"))) {
            throw ApiException.invalid("'tool_choice' is only allowed when 'tools' are given", "tool_choice");
        }
        return choice;
    }

    private static ResponseFormat textFormat(JsonFields f) {
        JsonFields text = f.nested("text");
        if (text == null) {
            return null;
        }
        text.allowOnly(Set.of("format", "verbosity"));
        text.oneOf("verbosity", Set.of("low", "medium", "high"));
        JsonFields format = text.nested("format");
        if (format == null) {
            return null;
        }
        String type = format.oneOf("type", Set.of("text", "json_object", "json_schema"));
        if (type == null) {
            throw ApiException.invalid("'text.format.type' is required", "text.format.type");
        }
        if (!type.equals("json_schema")) {
            format.allowOnly(Set.of("type"));
            return type.equals("text") ? null : ResponseFormat.JSON_OBJECT;
        }
        format.allowOnly(Set.of("type", "name", "description", "schema", "strict"));
        JsonObject schema = format.objectMember("schema");
        if (schema == null) {
            throw ApiException.invalid("'text.format.schema' is required for type json_schema", "text.format.schema");
        }
        return ResponseFormat.jsonSchema(new ResponseFormat.JsonSchema(format.requiredString("name"),
                format.string("description"), Tools.map(schema), format.bool("strict")));
    }

    private static void input(JsonFields f, Conversation c) {
        JsonValue v = f.value("input");
        if (v == null) {
            return;
        }
        if (v instanceof JsonString s) {
            c.user(List.of(ContentPart.text(s.getString())));
            return;
        }
        if (!(v instanceof JsonArray items)) {
            throw f.wrongType("input", "a string or an array of items", v);
        }
        for (int i = 0; i < items.size(); i++) {
            item(f.element("input", items, i), c);
        }
    }

    private static void item(JsonFields it, Conversation c) {
        String type = it.string("type");
        if (type == null && it.has("role")) {
            type = "message";
        }
        if (type == null) {
            throw ApiException.invalid("'" + it.param("type") + "' is required", it.param("type"));
        }
        switch (type) {
            case "message" -> message(it, c);
            case "function_call" -> {
                it.allowOnly(Set.of("type", "id", "call_id", "name", "arguments", "status"));
                it.string("id");
                it.oneOf("status", Set.of("in_progress", "completed", "incomplete"));
                c.assistantCall(it.requiredString("call_id"), it.requiredString("name"),
                        it.requiredString("arguments"));
            }
            case "function_call_output" -> {
                it.allowOnly(Set.of("type", "id", "call_id", "output", "status"));
                it.string("id");
                it.oneOf("status", Set.of("in_progress", "completed", "incomplete"));
                c.toolResult(it.requiredString("call_id"), text(it, "output", Set.of("input_text", "output_text")));
            }
            case "reasoning" -> {
                // An earlier answer's reasoning, sent back by clients that replay items: kept with its turn.
                it.allowOnly(Set.of("type", "id", "summary", "content", "encrypted_content", "status"));
                if (it.has("content")) {
                    c.assistantReasoning(text(it, "content", Set.of("reasoning_text")));
                }
            }
            default -> throw ApiException.invalid("'" + it.param("type") + "' must be one of message, function_call,"
                    + " function_call_output, reasoning; got '" + type + "'", it.param("type"));
        }
    }

    private static void message(JsonFields m, Conversation c) {
        m.allowOnly(Set.of("type", "id", "role", "content", "status"));
        m.string("id");
        String role = m.oneOf("role", Set.of("user", "assistant", "system", "developer"));
        if (role == null) {
            throw ApiException.invalid("'" + m.param("role") + "' is required", m.param("role"));
        }
        switch (role) {
            case "assistant" -> c.assistantText(text(m, "content", Set.of("output_text", "refusal", "input_text")));
            case "system", "developer" -> c.system(text(m, "content", Set.of("input_text")));
            default -> c.user(userParts(m));
        }
    }

    private static List<ContentPart> userParts(JsonFields m) {
        JsonValue v = m.value("content");
        if (v instanceof JsonString s) {
            return List.of(ContentPart.text(s.getString()));
        }
        JsonArray parts = m.array("content");
        if (parts == null) {
            throw ApiException.invalid("'" + m.param("content") + "' is required", m.param("content"));
        }
        List<ContentPart> out = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            JsonFields p = m.element("content", parts, i);
            String type = p.requiredString("type");
            switch (type) {
                case "input_text" -> {
                    p.allowOnly(Set.of("type", "text"));
                    out.add(ContentPart.text(p.requiredString("text")));
                }
                case "input_image" -> {
                    p.allowOnly(Set.of("type", "image_url", "detail", "file_id"));
                    if (p.has("file_id")) {
                        throw ApiException.invalid("'" + p.param("file_id") + "': jllm has no file store; send"
                                + " 'image_url' (a data: URL)", p.param("file_id"));
                    }
                    out.add(ContentPart.image(p.requiredString("image_url")));
                }
                default -> throw ApiException.invalid("'" + p.param("type") + "' must be input_text or input_image;"
                        + " got '" + type + "'", p.param("type"));
            }
        }
        return out;
    }

    /** A content member that must be text: a string, or parts of the given types joined. */
    private static String text(JsonFields f, String key, Set<String> types) {
        JsonValue v = f.value(key);
        if (v instanceof JsonString s) {
            return s.getString();
        }
        JsonArray parts = f.array(key);
        if (parts == null) {
            throw ApiException.invalid("'" + f.param(key) + "' is required", f.param(key));
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            JsonFields p = f.element(key, parts, i);
            String type = p.requiredString("type");
            if (!types.contains(type)) {
                throw ApiException.invalid("'" + p.param("type") + "' must be one of " + String.join(", ",
                        new java.util.TreeSet<>(types)) + " here; got '" + type + "'", p.param("type"));
            }
            String textKey = type.equals("refusal") ? "refusal" : "text";
            p.allowOnly(Set.of("type", textKey, "annotations", "logprobs"));
            sb.append(p.requiredString(textKey));
        }
        return sb.toString();
    }
}
