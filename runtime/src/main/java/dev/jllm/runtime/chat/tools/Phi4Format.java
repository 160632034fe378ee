package dev.jllm.runtime.chat.tools;

import java.util.List;

/**
 * Phi-4-mini: calls as a JSON list, {@code <|tool_call|>[{"name": ..., "arguments": {...}}]<|/tool_call|>}
 * (the special tokens of its vocabulary), or as {@code functools[{...}, ...]}, which the model also writes
 * (the form vLLM and SGLang parse). Its template takes the tools from the system message, not from
 * {@code tools}; {@link dev.jllm.template.ChatTemplate} puts them there.
 */
public final class Phi4Format extends MarkedFormat {

  static final String OPEN = "<|tool_call|>";
  static final String CLOSE = "<|/tool_call|>";
  static final String FUNCTOOLS = "functools[";

  public Phi4Format() {
    super("phi4", OPEN, FUNCTOOLS);
  }

  @Override
  int readCall(String text, int pos, List<ParsedCall> calls) {
    int json;
    boolean tagged = text.startsWith(OPEN, pos);
    if (tagged) {
      json = JsonScan.skipSpace(text, pos + OPEN.length());
    } else if (text.startsWith(FUNCTOOLS, pos)) {
      json = pos + FUNCTOOLS.length() - 1;
    } else {
      return END;
    }
    if (json >= text.length() || (text.charAt(json) != '[' && text.charAt(json) != '{')) {
      return MALFORMED;
    }
    int end = JsonScan.valueEnd(text, json);
    List<ParsedCall> some = end < 0 ? null : CallObjects.parseObjectOrArray(text.substring(json, end));
    if (some == null) {
      return MALFORMED;
    }
    calls.addAll(some);
    int after = JsonScan.skipSpace(text, end);
    return tagged && text.startsWith(CLOSE, after) ? after + CLOSE.length() : after;
  }
}
