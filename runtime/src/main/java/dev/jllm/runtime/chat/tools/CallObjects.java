package dev.jllm.runtime.chat.tools;

import dev.jllm.template.ChatJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON shapes models write calls in: {@code {"name": ..., "arguments": {...}}}, with
 * {@code "parameters"} for Llama 3.x, an optional {@code "id"} (Mistral), and OpenAI's own nesting
 * {@code {"type": "function", "function": {"name", "arguments"}}}. Arguments written as a JSON string holding
 * an object are unwrapped. Anything else is not a call (null).
 */
final class CallObjects {

  private CallObjects() {}

  /** One call object, or null when the text is not one. */
  static ParsedCall parseObject(String json) {
    Object value;
    try {
      value = ChatJson.parse(json);
    } catch (IllegalArgumentException e) {
      return null;
    }
    return value instanceof Map<?, ?> map ? fromMap(map) : null;
  }

  /** A call object or an array of them; null when any element is not a call. */
  static List<ParsedCall> parseObjectOrArray(String json) {
    Object value;
    try {
      value = ChatJson.parse(json);
    } catch (IllegalArgumentException e) {
      return null;
    }
    List<ParsedCall> calls = new ArrayList<>();
    if (value instanceof Map<?, ?> map) {
      ParsedCall call = fromMap(map);
      if (call == null) {
        return null;
      }
      calls.add(call);
      return calls;
    }
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      return null;
    }
    for (Object element : list) {
      ParsedCall call = element instanceof Map<?, ?> map ? fromMap(map) : null;
      if (call == null) {
        return null;
      }
      calls.add(call);
    }
    return calls;
  }

  static ParsedCall fromMap(Map<?, ?> map) {
    Map<?, ?> fields = map;
    if (map.get("function") instanceof Map<?, ?> function && !map.containsKey("name")) {
      fields = function;
    }
    if (!(fields.get("name") instanceof String name) || name.isBlank()) {
      return null;
    }
    Object args = fields.containsKey("arguments") ? fields.get("arguments") : fields.get("parameters");
    String arguments = arguments(args);
    if (arguments == null) {
      return null;
    }
    Object id = map.get("id");
    return new ParsedCall(name, arguments, id instanceof String s && !s.isBlank() ? s : null);
  }

  /** The arguments as compact JSON object text; absent arguments are an empty object. */
  static String arguments(Object args) {
    if (args == null) {
      return "{}";
    }
    if (args instanceof Map<?, ?>) {
      return ChatJson.compact(args);
    }
    if (args instanceof String s) {
      try {
        Object inner = ChatJson.parse(s);
        return inner instanceof Map<?, ?> ? ChatJson.compact(inner) : null;
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return null;
  }
}
