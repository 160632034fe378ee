package dev.jllm.server.openai;

import dev.jllm.api.LlmException;
import dev.jllm.api.contract.OpenAiRules;
import dev.jllm.api.json.Json;
import dev.jllm.api.openai.ChatCompletionRequest;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.Set;

/**
 * Checks a {@code /v1/chat/completions} body member by member before it is bound: every member must be one the
 * server passes on to the instance (which honors it or refuses it by name), with the type and range OpenAI
 * documents. Anything else is a 400 naming the member, so that nothing a client asks for is silently ignored.
 */
public final class ChatRequestValidator {

    private static final Set<String> MESSAGE_FIELDS =
            Set.of("role", "content", "name", "tool_calls", "tool_call_id", "refusal", "reasoning_content", "audio",
                    "function_call");
    private static final Set<String> PART_TYPES = Set.of("text", "image_url", "input_audio", "file");
    private ChatRequestValidator() { }

    public static ChatCompletionRequest parse(JsonObject body) {
        return parse(new JsonFields(body, ""));
    }

    /** Checks a request nested in another document (a job's params); errors name members by their full path. */
    public static ChatCompletionRequest parse(JsonFields f) {
        JsonObject body = f.object();
        f.allowOnly(OpenAiRules.CHAT_FIELDS);
        f.string("model");
        messages(f);
        f.integer(OpenAiRules.MAX_TOKENS);
        f.integer(OpenAiRules.MAX_COMPLETION_TOKENS);
        f.number(OpenAiRules.TEMPERATURE);
        f.number(OpenAiRules.TOP_P);
        f.integer(OpenAiRules.N);
        stop(f, "stop");
        f.longInteger("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        f.number(OpenAiRules.PRESENCE_PENALTY);
        f.number(OpenAiRules.FREQUENCY_PENALTY);
        logitBias(f);
        Boolean logprobs = f.bool("logprobs");
        Integer topLogprobs = f.integer(OpenAiRules.TOP_LOGPROBS);
        if (topLogprobs != null && !Boolean.TRUE.equals(logprobs)) {
            throw ApiException.invalid("'" + f.param("top_logprobs") + "' needs 'logprobs' to be true",
                    f.param("top_logprobs"));
        }
        responseFormat(f);
        boolean hasTools = tools(f);
        toolChoice(f, hasTools);
        f.bool("parallel_tool_calls");
        Boolean stream = f.bool("stream");
        JsonFields so = f.nested("stream_options");
        if (so != null) {
            if (!Boolean.TRUE.equals(stream)) {
                throw ApiException.invalid("'" + f.param("stream_options") + "' is only allowed when 'stream' is true",
                        f.param("stream_options"));
            }
            so.allowOnly(Set.of("include_usage", "include_obfuscation"));
            so.bool("include_usage");
            so.bool("include_obfuscation"); // obfuscation pads chunks against side channels; jllm sends none
        }
        f.string("user");
        constraints(f);
        f.oneOf("reasoning_effort", OpenAiRules.REASONING_EFFORTS);
        AcceptedFields.check(f);
        f.integer(OpenAiRules.TOP_K);
        f.number(OpenAiRules.MIN_P);
        f.number(OpenAiRules.REPEAT_PENALTY);
        Integer nPredict = LlamaServerFields.check(f);
        ChatCompletionRequest r = bind(body.toString(), ChatCompletionRequest.class);
        return nPredict == null || r.effectiveMaxTokens() != null ? r : r.toBuilder().maxTokens(nPredict).build();
    }

    /** Binds an already checked body; a failure left is still the client's, so it stays a 400. */
    static <T> T bind(String json, Class<T> type) {
        try {
            return Json.fromJson(json, type);
        } catch (LlmException e) {
            throw ApiException.invalid(e.getMessage(), null);
        } catch (RuntimeException e) {
            throw ApiException.invalid("invalid request: " + e.getMessage(), null);
        }
    }

    private static void messages(JsonFields f) {
        JsonArray messages = f.array("messages");
        if (messages == null) {
            throw ApiException.invalid("'" + f.param("messages") + "' is required", f.param("messages"));
        }
        if (messages.isEmpty()) {
            throw ApiException.invalid("'" + f.param("messages") + "' must contain at least one message",
                    f.param("messages"));
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonFields m = f.element("messages", messages, i);
            m.allowOnly(MESSAGE_FIELDS);
            String role = m.requiredString("role");
            if (!OpenAiRules.ROLES.contains(role)) {
                throw ApiException.invalid("'" + m.param("role") + "' must be one of assistant, developer, system,"
                        + " tool, user; got '" + role + "'", m.param("role"));
            }
            m.string("name");
            m.string("refusal");
            m.string("reasoning_content");
            if (m.has("function_call")) {
                throw ApiException.invalid("'" + m.param("function_call") + "' is the deprecated form of tool_calls,"
                        + " which jllm does not take; send 'tool_calls'", m.param("function_call"));
            }
            JsonFields audio = m.nested("audio");
            if (audio != null) {
                // A reference to an earlier audio answer; jllm never gives audio answers, so it refers to nothing here.
                audio.allowOnly(Set.of("id"));
                audio.requiredString("id");
            }
            boolean hasCalls = toolCalls(m, role);
            content(m, role, hasCalls);
            String callId = m.string("tool_call_id");
            if (role.equals("tool") && callId == null) {
                throw ApiException.invalid("'" + m.param("tool_call_id") + "' is required for tool messages",
                        m.param("tool_call_id"));
            }
        }
    }

    private static void content(JsonFields m, String role, boolean hasCalls) {
        JsonValue c = m.value("content");
        if (c == null) {
            if (!role.equals("assistant") || !hasCalls) {
                throw ApiException.invalid("'" + m.param("content") + "' is required"
                        + (role.equals("assistant") ? " unless the message has tool_calls" : ""), m.param("content"));
            }
            return;
        }
        if (c instanceof JsonString) {
            return;
        }
        if (!(c instanceof JsonArray parts)) {
            throw m.wrongType("content", "a string or an array of content parts", c);
        }
        for (int i = 0; i < parts.size(); i++) {
            JsonFields p = m.element("content", parts, i);
            String type = p.requiredString("type");
            if (!PART_TYPES.contains(type)) {
                throw ApiException.invalid("'" + p.param("type") + "' must be one of file, image_url, input_audio,"
                        + " text; got '" + type + "'", p.param("type"));
            }
            p.allowOnly(Set.of("type", type));
            switch (type) {
                case "text" -> p.requiredString("text");
                case "image_url" -> {
                    JsonFields u = p.nested("image_url");
                    if (u == null) {
                        throw ApiException.invalid("'" + p.param("image_url") + "' is required", p.param("image_url"));
                    }
                    u.allowOnly(Set.of("url", "detail"));
                    u.requiredString("url");
                    u.oneOf("detail", Set.of("auto", "low", "high"));
                }
                case "input_audio" -> {
                    JsonFields a = p.nested("input_audio");
                    if (a == null) {
                        throw ApiException.invalid("'" + p.param("input_audio") + "' is required",
                                p.param("input_audio"));
                    }
                    a.allowOnly(Set.of("data", "format"));
                    a.requiredString("data");
                    a.requiredString("format");
                }
                default -> {
                    JsonFields file = p.nested("file");
                    if (file == null) {
                        throw ApiException.invalid("'" + p.param("file") + "' is required", p.param("file"));
                    }
                    file.allowOnly(Set.of("file_id", "file_data", "filename"));
                    file.string("file_id");
                    file.string("file_data");
                    file.string("filename");
                }
            }
        }
    }

    private static boolean toolCalls(JsonFields m, String role) {
        JsonArray calls = m.array("tool_calls");
        if (calls == null) {
            return false;
        }
        if (!role.equals("assistant")) {
            throw ApiException.invalid("'" + m.param("tool_calls") + "' is only allowed in assistant messages",
                    m.param("tool_calls"));
        }
        for (int i = 0; i < calls.size(); i++) {
            JsonFields c = m.element("tool_calls", calls, i);
            c.allowOnly(Set.of("id", "type", "function"));
            c.requiredString("id");
            c.oneOf("type", Set.of("function"));
            JsonFields fn = c.nested("function");
            if (fn == null) {
                throw ApiException.invalid("'" + c.param("function") + "' is required", c.param("function"));
            }
            fn.allowOnly(Set.of("name", "arguments"));
            fn.requiredString("name");
            fn.requiredString("arguments");
        }
        return !calls.isEmpty();
    }

    static void stop(JsonFields f, String key) {
        JsonValue v = f.value(key);
        if (v == null || v instanceof JsonString) {
            return;
        }
        if (!(v instanceof JsonArray a)) {
            throw f.wrongType(key, "a string or an array of strings", v);
        }
        if (a.size() > OpenAiRules.MAX_STOP) {
            throw ApiException.invalid("'" + f.param(key) + "' may hold at most " + OpenAiRules.MAX_STOP + " strings",
                    f.param(key));
        }
        for (int i = 0; i < a.size(); i++) {
            if (!(a.get(i) instanceof JsonString)) {
                String p = f.param(key) + "[" + i + "]";
                throw ApiException.invalid("'" + p + "' must be a string", p);
            }
        }
    }

    static void logitBias(JsonFields f) {
        JsonObject bias = f.objectMember("logit_bias");
        if (bias == null) {
            return;
        }
        JsonFields b = new JsonFields(bias, f.param("logit_bias"));
        for (String token : bias.keySet()) {
            if (!token.matches("\\d{1,9}")) {
                throw ApiException.invalid("'" + f.param("logit_bias") + "' keys must be token ids (non-negative"
                        + " integers); got '" + token + "'", f.param("logit_bias"));
            }
            b.number(token, -100, 100);
        }
    }

    /** llama.cpp's constrained-decoding fields: GBNF text, or a JSON Schema object (compiled by the instance). */
    static void constraints(JsonFields f) {
        String grammar = f.string("grammar");
        if (grammar != null && grammar.isBlank()) {
            throw ApiException.invalid("'" + f.param("grammar") + "' must not be empty", f.param("grammar"));
        }
        f.objectMember("json_schema");
    }

    private static void responseFormat(JsonFields f) {
        JsonFields rf = f.nested("response_format");
        if (rf == null) {
            return;
        }
        rf.allowOnly(Set.of("type", "json_schema"));
        String type = rf.oneOf("type", OpenAiRules.RESPONSE_FORMATS);
        if (type == null) {
            throw ApiException.invalid("'" + rf.param("type") + "' is required", rf.param("type"));
        }
        JsonFields js = rf.nested("json_schema");
        if (type.equals("json_schema")) {
            if (js == null) {
                throw ApiException.invalid("'" + rf.param("json_schema") + "' is required for type json_schema",
                        rf.param("json_schema"));
            }
            js.allowOnly(Set.of("name", "description", "schema", "strict"));
            js.requiredString("name");
            js.string("description");
            js.objectMember("schema");
            js.bool("strict");
        } else if (js != null) {
            throw ApiException.invalid("'" + rf.param("json_schema") + "' is only allowed for type json_schema",
                    rf.param("json_schema"));
        }
    }

    private static boolean tools(JsonFields f) {
        JsonArray tools = f.array("tools");
        if (tools == null) {
            return false;
        }
        for (int i = 0; i < tools.size(); i++) {
            JsonFields t = f.element("tools", tools, i);
            t.allowOnly(Set.of("type", "function"));
            if (!"function".equals(t.requiredString("type"))) {
                throw ApiException.invalid("'" + t.param("type") + "' must be 'function'", t.param("type"));
            }
            JsonFields fn = t.nested("function");
            if (fn == null) {
                throw ApiException.invalid("'" + t.param("function") + "' is required", t.param("function"));
            }
            fn.allowOnly(Set.of("name", "description", "parameters", "strict"));
            String name = fn.requiredString("name");
            if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
                throw ApiException.invalid("'" + fn.param("name") + "' must be 1-64 letters, digits, '_' or '-'",
                        fn.param("name"));
            }
            fn.string("description");
            fn.objectMember("parameters");
            fn.bool("strict");
        }
        return !tools.isEmpty();
    }

    private static void toolChoice(JsonFields f, boolean hasTools) {
        JsonValue v = f.value("tool_choice");
        if (v == null) {
            return;
        }
        if (v instanceof JsonString s) {
            f.oneOf("tool_choice", OpenAiRules.TOOL_CHOICE_MODES);
            if (!s.getString().equals("none") && !hasTools) {
                throw ApiException.invalid("'" + f.param("tool_choice") + "' is only allowed when 'tools' are given",
                        f.param("tool_choice"));
            }
            return;
        }
        JsonFields tc = f.nested("tool_choice");
        tc.allowOnly(Set.of("type", "function"));
        if (!"function".equals(tc.requiredString("type"))) {
            throw ApiException.invalid("'" + tc.param("type") + "' must be 'function'", tc.param("type"));
        }
        JsonFields fn = tc.nested("function");
        if (fn == null) {
            throw ApiException.invalid("'" + tc.param("function") + "' is required", tc.param("function"));
        }
        fn.allowOnly(Set.of("name"));
        fn.requiredString("name");
        if (!hasTools) {
            throw ApiException.invalid("'" + f.param("tool_choice") + "' is only allowed when 'tools' are given",
                    f.param("tool_choice"));
        }
    }
}
