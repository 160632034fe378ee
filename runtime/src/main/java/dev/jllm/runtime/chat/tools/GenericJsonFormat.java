package dev.jllm.runtime.chat.tools;

import dev.jllm.template.ChatJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * llama.cpp's generic form, for templates that render tools but have no call syntax of their own: the whole
 * answer is one JSON object, {@code {"tool_calls": [{"name": ..., "arguments": {...}}, ...]}} (or
 * {@code {"tool_call": {...}}} for a single call) when calling, {@code {"response": "..."}} when answering.
 */
public final class GenericJsonFormat implements ToolCallFormat {

  @Override
  public String name() {
    return "generic";
  }

  @Override
  public List<String> markers() {
    return List.of();
  }

  @Override
  public boolean jsonAtStart() {
    return true;
  }

  @Override
  public ParsedOutput parse(String text) {
    int start = JsonScan.skipSpace(text, 0);
    if (start >= text.length() || text.charAt(start) != '{') {
      return ParsedOutput.text(text);
    }
    int end = JsonScan.valueEnd(text, start);
    if (end < 0 || JsonScan.skipSpace(text, end) != text.length()) {
      return ParsedOutput.text(text);
    }
    Object value;
    try {
      value = ChatJson.parse(text.substring(start, end));
    } catch (IllegalArgumentException e) {
      return ParsedOutput.text(text);
    }
    if (!(value instanceof Map<?, ?> map)) {
      return ParsedOutput.text(text);
    }
    if (map.get("tool_calls") instanceof List<?> list && !list.isEmpty()) {
      List<ParsedCall> calls = new ArrayList<>();
      for (Object element : list) {
        ParsedCall call = element instanceof Map<?, ?> m ? CallObjects.fromMap(m) : null;
        if (call == null) {
          return ParsedOutput.text(text);
        }
        calls.add(call);
      }
      return new ParsedOutput("", calls);
    }
    if (map.get("tool_call") instanceof Map<?, ?> one) {
      ParsedCall call = CallObjects.fromMap(one);
      return call == null ? ParsedOutput.text(text) : new ParsedOutput("", List.of(call));
    }
    if (map.size() == 1 && map.containsKey("response")) {
      Object response = map.get("response");
      return ParsedOutput.text(response instanceof String s ? s : ChatJson.compact(response));
    }
    return ParsedOutput.text(text);
  }
}
