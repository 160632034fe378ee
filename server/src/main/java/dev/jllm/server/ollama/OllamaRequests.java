package dev.jllm.server.ollama;

import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.FunctionDefinition;
import dev.jllm.api.openai.MessageContent;
import dev.jllm.api.openai.ResponseFormat;
import dev.jllm.api.openai.Tool;
import dev.jllm.api.openai.ToolCall;
import dev.jllm.server.http.RequestBodies;
import dev.jllm.server.ondemand.Durations;
import dev.jllm.server.openai.JsonFields;
import dev.jllm.server.routing.ServerContext;
import io.helidon.webserver.http.ServerRequest;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Ollama's request fields mapped onto jllm's OpenAI request, the one request path every route shares: whatever the
 * engine honours for {@code /v1/chat/completions} it honours here, and refuses the same way. Fields with no
 * counterpart are refused by name, never dropped.
 */
final class OllamaRequests {

    /** Ollama's {@code options} that jllm honours. */
    static final Set<String> OPTIONS = Set.of("num_ctx", "num_predict", "temperature", "top_k", "top_p", "min_p",
            "seed", "stop", "repeat_penalty", "presence_penalty", "frequency_penalty");

    private OllamaRequests() { }

    /** What a chat or generate request asks for, besides the OpenAI request itself. */
    record Common(String model, boolean stream, Duration keepAlive, int numCtx) { }

    static String model(JsonFields body) {
        String m = body.string("model");
        if (m == null || m.isBlank()) {
            m = body.string("name"); // older clients send "name"
        }
        if (m == null || m.isBlank()) {
            throw OllamaException.badRequest("model is required");
        }
        return m.strip();
    }

    static Common common(JsonFields body) {
        Boolean stream = body.bool("stream");
        return new Common(model(body), stream == null || stream, keepAlive(body), numCtx(body));
    }

    /** {@code keep_alive}: a number of seconds or a Go duration ("5m"); negative keeps the model. Null if absent. */
    static Duration keepAlive(JsonFields body) {
        JsonValue v = body.value("keep_alive");
        if (v == null) {
            return null;
        }
        try {
            if (v instanceof JsonNumber n) {
                return Durations.seconds(n.doubleValue());
            }
            if (v instanceof JsonString s) {
                return Durations.parse(s.getString());
            }
        } catch (IllegalArgumentException e) {
            throw OllamaException.badRequest("invalid keep_alive: " + e.getMessage());
        }
        throw OllamaException.badRequest("keep_alive must be a number of seconds or a duration such as \"5m\"");
    }

    private static int numCtx(JsonFields body) {
        JsonFields o = body.nested("options");
        if (o == null) {
            return 0;
        }
        Integer n = o.integer("num_ctx", 1, Integer.MAX_VALUE);
        return n == null ? 0 : n;
    }

    /** A request's body: size-limited JSON, with no member outside {@code known} ({@link #allowOnly}). */
    static JsonFields body(ServerRequest req, ServerContext ctx, Set<String> known, String route) {
        JsonFields body = JsonFields.of(RequestBodies.jsonObject(req, ctx.config().maxBodyBytes()));
        allowOnly(body, known, route);
        return body;
    }

    /** Refuses members jllm does not know, naming them (Ollama would ignore them; jllm never ignores a field). */
    static void allowOnly(JsonFields body, Set<String> known, String route) {
        Set<String> unknown = new TreeSet<>(body.object().keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw OllamaException.badRequest("unsupported field" + (unknown.size() > 1 ? "s" : "") + " in " + route
                    + ": " + String.join(", ", unknown) + " (jllm honours " + String.join(", ", new TreeSet<>(known))
                    + ")");
        }
    }

    /** Ollama's {@code options}, {@code format} and {@code think}, applied to the OpenAI request being built. */
    static void apply(JsonFields body, String model, ChatCompletionRequest.Builder b) {
        JsonFields o = body.nested("options");
        if (o != null) {
            Set<String> unknown = new TreeSet<>(o.object().keySet());
            unknown.removeAll(OPTIONS);
            if (!unknown.isEmpty()) {
                throw OllamaException.badRequest("option" + (unknown.size() > 1 ? "s " : " ")
                        + String.join(", ", unknown) + (unknown.size() > 1 ? " are" : " is")
                        + " not supported by jllm (supported: " + String.join(", ", new TreeSet<>(OPTIONS)) + ")");
            }
            Integer predict = o.integer("num_predict", Integer.MIN_VALUE, Integer.MAX_VALUE);
            if (predict != null) {
                if (predict > 0) {
                    b.maxTokens(predict);
                } else if (predict != -1 && predict != -2) {
                    throw OllamaException.badRequest("num_predict must be positive, -1 (no limit) or -2 (fill the"
                            + " context), got " + predict);
                } // -1 and -2: generate until the model stops or the context is full, the engine's default
            }
            b.temperature(o.number("temperature", 0, Double.MAX_VALUE));
            b.topK(o.integer("top_k", 0, Integer.MAX_VALUE));
            b.topP(o.number("top_p", 0, 1));
            b.minP(o.number("min_p", 0, 1));
            b.repeatPenalty(o.number("repeat_penalty", 0, Double.MAX_VALUE));
            b.presencePenalty(o.number("presence_penalty", -Double.MAX_VALUE, Double.MAX_VALUE));
            b.frequencyPenalty(o.number("frequency_penalty", -Double.MAX_VALUE, Double.MAX_VALUE));
            Long seed = o.longInteger("seed", Long.MIN_VALUE, Long.MAX_VALUE);
            if (seed != null && seed >= 0) {
                b.seed(seed); // Ollama's -1 (or any negative) means a random seed, the engine's default
            }
            JsonValue stop = o.value("stop");
            if (stop instanceof JsonString s) {
                b.stop(List.of(s.getString()));
            } else if (stop instanceof JsonArray a) {
                List<String> stops = new ArrayList<>();
                for (JsonValue v : a) {
                    if (!(v instanceof JsonString s)) {
                        throw OllamaException.badRequest("options.stop must hold strings");
                    }
                    stops.add(s.getString());
                }
                b.stop(stops);
            } else if (stop != null) {
                throw OllamaException.badRequest("options.stop must be a string or a list of strings");
            }
        }
        JsonValue format = body.value("format");
        if (format instanceof JsonString s) {
            if (s.getString().equals("json")) {
                b.responseFormat(ResponseFormat.JSON_OBJECT);
            } else if (!s.getString().isEmpty()) {
                throw OllamaException.badRequest("invalid format: '" + s.getString() + "' (use \"json\" or a JSON"
                        + " schema)");
            }
        } else if (format instanceof JsonObject schema) {
            b.responseFormat(ResponseFormat.jsonSchema(new ResponseFormat.JsonSchema("schema", null,
                    PlainJson.toMap(schema), true)));
        } else if (format != null) {
            throw OllamaException.badRequest("invalid format: use \"json\" or a JSON schema object");
        }
        JsonValue think = body.value("think");
        if (think == JsonValue.TRUE || think instanceof JsonString) {
            throw OllamaException.badRequest("\"" + model + "\" does not support thinking");
        } else if (think != null && think != JsonValue.FALSE) {
            throw OllamaException.badRequest("think must be true, false or \"low\", \"medium\", \"high\"");
        }
    }

    /** Ollama's {@code tools}: the same function definitions OpenAI takes. */
    static List<Tool> tools(JsonFields body) {
        JsonArray a = body.array("tools");
        if (a == null || a.isEmpty()) {
            return null;
        }
        List<Tool> tools = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonFields t = body.element("tools", a, i);
            String type = t.string("type");
            if (type != null && !type.equals("function")) {
                throw OllamaException.badRequest("tools[" + i + "].type must be \"function\", got '" + type + "'");
            }
            JsonFields f = t.nested("function");
            if (f == null) {
                throw OllamaException.badRequest("tools[" + i + "].function is required");
            }
            String name = f.string("name");
            if (name == null || name.isBlank()) {
                throw OllamaException.badRequest("tools[" + i + "].function.name is required");
            }
            JsonObject params = f.objectMember("parameters");
            tools.add(Tool.function(FunctionDefinition.of(name, f.string("description"),
                    params == null ? null : PlainJson.toMap(params))));
        }
        return tools;
    }

    /** Ollama's chat messages as OpenAI's; images are refused (jllm's models read text only). */
    static List<ChatMessage> messages(JsonFields body) {
        JsonArray a = body.array("messages");
        List<ChatMessage> out = new ArrayList<>();
        if (a == null) {
            return out;
        }
        for (int i = 0; i < a.size(); i++) {
            JsonFields m = body.element("messages", a, i);
            String role = m.string("role");
            if (role == null) {
                throw OllamaException.badRequest("messages[" + i + "].role is required");
            }
            role = role.toLowerCase(Locale.ROOT);
            if (!Set.of("system", "user", "assistant", "tool").contains(role)) {
                throw OllamaException.badRequest("messages[" + i + "].role must be system, user, assistant or tool,"
                        + " got '" + role + "'");
            }
            JsonArray images = m.array("images");
            if (images != null && !images.isEmpty()) {
                throw OllamaException.badRequest("messages[" + i + "] has images, but jllm's models read text only:"
                        + " images are not supported");
            }
            String content = m.string("content");
            List<ToolCall> calls = toolCalls(m, i);
            MessageContent c = content == null || (content.isEmpty() && calls != null) ? null
                    : MessageContent.of(content);
            if (c == null && calls == null) {
                c = MessageContent.of("");
            }
            String toolName = m.string("tool_name");
            String toolCallId = m.string("tool_call_id");
            out.add(new ChatMessage(role, c, "tool".equals(role) ? toolName : null, calls, toolCallId, null));
        }
        return out;
    }

    private static List<ToolCall> toolCalls(JsonFields m, int i) {
        JsonArray a = m.array("tool_calls");
        if (a == null || a.isEmpty()) {
            return null;
        }
        List<ToolCall> calls = new ArrayList<>();
        for (int j = 0; j < a.size(); j++) {
            JsonFields c = m.element("tool_calls", a, j);
            JsonFields f = c.nested("function");
            if (f == null || f.string("name") == null) {
                throw OllamaException.badRequest("messages[" + i + "].tool_calls[" + j + "].function.name is"
                        + " required");
            }
            JsonValue args = f.value("arguments");
            String argText = args == null ? "{}" : args instanceof JsonString s ? s.getString() : args.toString();
            String id = c.string("id");
            calls.add(ToolCall.function(id == null || id.isBlank() ? "call_" + i + "_" + j : id, f.string("name"),
                    argText));
        }
        return calls;
    }

}
