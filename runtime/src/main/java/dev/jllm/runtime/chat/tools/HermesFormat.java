package dev.jllm.runtime.chat.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * Hermes 2/3, Qwen 2.5, Qwen 3 and the many templates that copied them: each call is
 * {@code <tool_call>\n{"name": ..., "arguments": {...}}\n</tool_call>}, several in a row for parallel calls.
 */
public final class HermesFormat implements ToolCallFormat {

  static final String OPEN = "<tool_call>";
  static final String CLOSE = "</tool_call>";

  @Override
  public String name() {
    return "hermes";
  }

  @Override
  public List<String> markers() {
    return List.of(OPEN);
  }

  @Override
  public boolean jsonAtStart() {
    return false;
  }

  @Override
  public ParsedOutput parse(String text) {
    int first = text.indexOf(OPEN);
    if (first < 0) {
      return ParsedOutput.text(text);
    }
    List<ParsedCall> calls = new ArrayList<>();
    int pos = first;
    while (true) {
      pos = JsonScan.skipSpace(text, pos);
      if (!text.startsWith(OPEN, pos)) {
        break;
      }
      int json = JsonScan.skipSpace(text, pos + OPEN.length());
      if (json >= text.length() || text.charAt(json) != '{') {
        return ParsedOutput.text(text);
      }
      int end = JsonScan.valueEnd(text, json);
      ParsedCall call = end < 0 ? null : CallObjects.parseObject(text.substring(json, end));
      if (call == null) {
        return ParsedOutput.text(text);
      }
      calls.add(call);
      int after = JsonScan.skipSpace(text, end);
      if (text.startsWith(CLOSE, after)) {
        pos = after + CLOSE.length();
      } else if (after >= text.length()) {
        pos = after; // the model stopped before closing the last call: the call itself is whole
      } else {
        return ParsedOutput.text(text);
      }
    }
    return new ParsedOutput(text.substring(0, first) + text.substring(pos), calls);
  }
}
