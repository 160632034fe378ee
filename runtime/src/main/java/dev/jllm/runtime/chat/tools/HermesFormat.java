package dev.jllm.runtime.chat.tools;

import java.util.List;

/**
 * Hermes 2/3, Qwen 2.5, Qwen 3 and the many templates that copied them: each call is
 * {@code <tool_call>\n{"name": ..., "arguments": {...}}\n</tool_call>}, several in a row for parallel calls.
 */
public final class HermesFormat extends MarkedFormat {

  static final String OPEN = "<tool_call>";
  static final String CLOSE = "</tool_call>";

  public HermesFormat() {
    super("hermes", OPEN);
  }

  @Override
  int readCall(String text, int pos, List<ParsedCall> calls) {
    if (!text.startsWith(OPEN, pos)) {
      return END;
    }
    int json = JsonScan.skipSpace(text, pos + OPEN.length());
    if (json >= text.length() || text.charAt(json) != '{') {
      return MALFORMED;
    }
    int end = JsonScan.valueEnd(text, json);
    ParsedCall call = end < 0 ? null : CallObjects.parseObject(text.substring(json, end));
    if (call == null) {
      return MALFORMED;
    }
    calls.add(call);
    int after = JsonScan.skipSpace(text, end);
    if (text.startsWith(CLOSE, after)) {
      return after + CLOSE.length();
    }
    // The model may stop before closing the last call: the call itself is whole.
    return after >= text.length() ? after : MALFORMED;
  }
}
