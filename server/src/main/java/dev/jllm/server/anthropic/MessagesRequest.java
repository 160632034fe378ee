package dev.jllm.server.anthropic;

import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ContentPart;
import dev.jllm.api.openai.Tool;
import dev.jllm.api.openai.ToolChoice;
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
 * A {@code POST /v1/messages} (or {@code count_tokens}) body, checked member by member and translated into a Chat
 * Completions request: {@code system} as the system message, each {@code tool_result} block as a tool message
 * (before the rest of its user turn), {@code tool_use} blocks as the assistant's {@code tool_calls}, tools with
 * their {@code input_schema}, {@code tool_choice} any / tool as required / named (forced by constrained decoding),
 * {@code thinking} as the template's reasoning switch. Stop sequences go to the engine, which also reports the
 * tokens it sampled, so that the answer can say which sequence stopped it.
 *
 * @param chat          the request for the Chat Completions machinery
 * @param stopSequences the stop sequences asked for (empty when none)
 */
record MessagesRequest(ChatCompletionRequest chat, List<String> stopSequences) {

    private static final Set<String> FIELDS = Set.of("model", "messages", "max_tokens", "system", "stop_sequences",
            "stream", "temperature", "top_p", "top_k", "tools", "tool_choice", "thinking", "metadata",
            "service_tier", "container", "mcp_servers", "context_management");
    private static final Set<String> COUNT_FIELDS = Set.of("model", "messages", "system", "tools", "tool_choice",
            "thinking", "mcp_servers", "context_management");
    /** The engine's bound on stop strings (Chat Completions takes as many). */
    private static final int MAX_STOP = 16;

    /** @param counting a count_tokens body: no max_tokens, no sampling */
    static MessagesRequest parse(JsonObject body, boolean counting) {
        JsonFields f = JsonFields.of(body);
        f.allowOnly(counting ? COUNT_FIELDS : FIELDS);
        for (String key : List.of("container", "mcp_servers", "context_management")) {
            if (f.has(key)) {
                throw ApiException.invalid(key + ": not supported; jllm runs function tools on the client's side"
                        + " and keeps no server-side state", key);
            }
        }
        ChatCompletionRequest.Builder b = ChatCompletionRequest.builder().model(f.string("model"));
        List<String> stops = List.of();
        if (!counting) {
            Integer max = f.integer("max_tokens", 1, Integer.MAX_VALUE);
            if (max == null) {
                throw ApiException.invalid("max_tokens: Field required", "max_tokens");
            }
            b.maxTokens(max).temperature(f.number("temperature", 0, 1)).topP(f.number("top_p", 0, 1))
                    .topK(f.integer("top_k", 0, Integer.MAX_VALUE));
            f.bool("stream");
            stops = stopSequences(f);
            if (!stops.isEmpty()) {
                // The sampled tokens tell whether a stop sequence or the end of the answer stopped it.
                b.stop(stops).logprobs(true).topLogprobs(0);
            }
            JsonFields metadata = f.nested("metadata");
            if (metadata != null) {
                metadata.allowOnly(Set.of("user_id"));
                metadata.string("user_id");
            }
            f.oneOf("service_tier", Set.of("auto", "standard_only"));
        }
        List<Tool> tools = tools(f);
        b.tools(tools.isEmpty() ? null : tools);
        toolChoice(f, tools, b);
        thinking(f, b);
        Conversation c = new Conversation();
        system(f, c);
        messages(f, c);
        return new MessagesRequest(b.messages(c.messages()).build(), stops);
    }

    private static List<String> stopSequences(JsonFields f) {
        JsonArray a = f.array("stop_sequences");
        if (a == null) {
            return List.of();
        }
        if (a.size() > MAX_STOP) {
            throw ApiException.invalid("stop_sequences: at most " + MAX_STOP + " are supported", "stop_sequences");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            if (!(a.get(i) instanceof JsonString s) || s.getString().isEmpty()) {
                throw ApiException.invalid("stop_sequences." + i + ": must be a non-empty string", "stop_sequences");
            }
            out.add(s.getString());
        }
        return out;
    }

    private static List<Tool> tools(JsonFields f) {
        return Tools.list(f, Set.of("type", "name", "description", "input_schema", "cache_control", "strict"),
                "input_schema", true, t -> {
                    String type = t.string("type");
                    if (type != null && !type.equals("custom")) {
                        throw ApiException.invalid(t.param("type") + ": jllm runs client tools only; '" + type
                                + "' is one of Anthropic's server tools", t.param("type"));
                    }
                    t.objectMember("cache_control"); // prompt caching is automatic here (the KV cache)
                });
    }

    private static void toolChoice(JsonFields f, List<Tool> tools, ChatCompletionRequest.Builder b) {
        JsonFields tc = f.nested("tool_choice");
        if (tc == null) {
            return;
        }
        tc.allowOnly(Set.of("type", "name", "disable_parallel_tool_use"));
        String type = tc.oneOf("type", Set.of("auto", "any", "tool", "none"));
        if (type == null) {
            throw ApiException.invalid("tool_choice.type: Field required", "tool_choice.type");
        }
        if (!type.equals("none") && tools.isEmpty()) {
            throw ApiException.invalid("tool_choice: only allowed when 'tools' are given", "tool_choice");
        }
        if (Boolean.TRUE.equals(tc.bool("disable_parallel_tool_use"))) {
            b.parallelToolCalls(false);
        }
        b.toolChoice(switch (type) {
            case "any" -> ToolChoice.REQUIRED;
            case "tool" -> Tools.named(tc.requiredString("name"), tools, "tool_choice.name");
            case "none" -> ToolChoice.NONE;
            default -> ToolChoice.AUTO;
        });
    }

    /** Extended thinking as the template's switch: enabled asks for reasoning, disabled switches it off. */
    private static void thinking(JsonFields f, ChatCompletionRequest.Builder b) {
        JsonFields t = f.nested("thinking");
        if (t == null) {
            return;
        }
        t.allowOnly(Set.of("type", "budget_tokens", "display"));
        String type = t.oneOf("type", Set.of("enabled", "disabled", "adaptive"));
        if (type == null) {
            throw ApiException.invalid("thinking.type: Field required", "thinking.type");
        }
        t.integer("budget_tokens", 1, Integer.MAX_VALUE); // max_tokens bounds reasoning and answer together
        t.oneOf("display", Set.of("summarized", "omitted"));
        b.reasoningEffort(type.equals("disabled") ? "none" : "high");
    }

    private static void system(JsonFields f, Conversation c) {
        JsonValue v = f.value("system");
        if (v == null) {
            return;
        }
        if (v instanceof JsonString s) {
            c.system(s.getString());
            return;
        }
        JsonArray blocks = f.array("system");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < blocks.size(); i++) {
            JsonFields b = f.element("system", blocks, i);
            b.allowOnly(Set.of("type", "text", "cache_control", "citations"));
            if (!"text".equals(b.requiredString("type"))) {
                throw ApiException.invalid("system." + i + ".type: must be 'text'", b.param("type"));
            }
            sb.append(i == 0 ? "" : "\n").append(b.requiredString("text"));
        }
        c.system(sb.toString());
    }

    private static void messages(JsonFields f, Conversation c) {
        JsonArray messages = f.array("messages");
        if (messages == null || messages.isEmpty()) {
            throw ApiException.invalid("messages: at least one message is required", "messages");
        }
        for (int i = 0; i < messages.size(); i++) {
            JsonFields m = f.element("messages", messages, i);
            m.allowOnly(Set.of("role", "content"));
            String role = m.oneOf("role", Set.of("user", "assistant"));
            if (role == null) {
                throw ApiException.invalid("messages." + i + ".role: Field required", m.param("role"));
            }
            JsonValue content = m.value("content");
            if (content instanceof JsonString s) {
                if (role.equals("user")) {
                    c.user(List.of(ContentPart.text(s.getString())));
                } else {
                    c.assistantText(s.getString());
                }
                continue;
            }
            JsonArray blocks = m.array("content");
            if (blocks == null) {
                throw ApiException.invalid("messages." + i + ".content: Field required", m.param("content"));
            }
            if (role.equals("user")) {
                user(m, blocks, c);
            } else {
                assistant(m, blocks, c);
            }
        }
    }

    /** A user turn: its tool results first (they answer the assistant's calls), then its text and images. */
    private static void user(JsonFields m, JsonArray blocks, Conversation c) {
        List<ContentPart> parts = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            JsonFields b = m.element("content", blocks, i);
            String type = b.requiredString("type");
            switch (type) {
                case "text" -> parts.add(ContentPart.text(text(b)));
                case "image" -> parts.add(ContentPart.image(image(b)));
                case "tool_result" -> {
                    b.allowOnly(Set.of("type", "tool_use_id", "content", "is_error", "cache_control"));
                    b.bool("is_error"); // the template shows the result either way; an error's text says so
                    c.toolResult(b.requiredString("tool_use_id"), resultText(b));
                }
                default -> throw ApiException.invalid(b.param("type") + ": '" + type + "' blocks are not supported"
                        + " in user turns (text, image and tool_result are)", b.param("type"));
            }
        }
        if (!parts.isEmpty()) {
            c.user(parts);
        }
    }

    private static void assistant(JsonFields m, JsonArray blocks, Conversation c) {
        for (int i = 0; i < blocks.size(); i++) {
            JsonFields b = m.element("content", blocks, i);
            String type = b.requiredString("type");
            switch (type) {
                case "text" -> c.assistantText(text(b));
                case "tool_use" -> {
                    b.allowOnly(Set.of("type", "id", "name", "input", "cache_control", "caller"));
                    JsonObject input = b.objectMember("input");
                    c.assistantCall(b.requiredString("id"), b.requiredString("name"),
                            input == null ? "{}" : input.toString());
                }
                case "thinking" -> {
                    b.allowOnly(Set.of("type", "thinking", "signature"));
                    b.string("signature");
                    c.assistantReasoning(b.requiredString("thinking"));
                }
                // Another server's encrypted reasoning: there is nothing jllm could show the model of it.
                case "redacted_thinking" -> b.allowOnly(Set.of("type", "data"));
                default -> throw ApiException.invalid(b.param("type") + ": '" + type + "' blocks are not supported"
                        + " in assistant turns (text, tool_use and thinking are)", b.param("type"));
            }
        }
    }

    private static String text(JsonFields b) {
        b.allowOnly(Set.of("type", "text", "cache_control", "citations"));
        return b.requiredString("text");
    }

    /** An image block's source as a URL (base64 data becomes a data: URL). */
    private static String image(JsonFields b) {
        b.allowOnly(Set.of("type", "source", "cache_control"));
        JsonFields s = b.nested("source");
        if (s == null) {
            throw ApiException.invalid(b.param("source") + ": Field required", b.param("source"));
        }
        String type = s.oneOf("type", Set.of("base64", "url"));
        if ("url".equals(type)) {
            s.allowOnly(Set.of("type", "url"));
            return s.requiredString("url");
        }
        s.allowOnly(Set.of("type", "media_type", "data"));
        return "data:" + s.requiredString("media_type") + ";base64," + s.requiredString("data");
    }

    private static String resultText(JsonFields b) {
        JsonValue v = b.value("content");
        if (v == null) {
            return "";
        }
        if (v instanceof JsonString s) {
            return s.getString();
        }
        JsonArray parts = b.array("content");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            JsonFields p = b.element("content", parts, i);
            if (!"text".equals(p.requiredString("type"))) {
                throw ApiException.invalid(p.param("type") + ": tool results may hold text blocks only here",
                        p.param("type"));
            }
            sb.append(text(p));
        }
        return sb.toString();
    }
}
