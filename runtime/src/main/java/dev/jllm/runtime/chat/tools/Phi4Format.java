package dev.jllm.runtime.chat.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * Phi-4-mini: calls as a JSON list, {@code <|tool_call|>[{"name": ..., "arguments": {...}}]<|/tool_call|>}
 * (the special tokens of its vocabulary), or as {@code functools[{...}, ...]}, which the model also writes
 * (the form vLLM and SGLang parse). Its template takes the tools from the system message, not from
 * {@code tools}; {@link dev.jllm.template.ChatTemplate} puts them there.
 */
public final class Phi4Format implements ToolCallFormat {

  static final String OPEN = "<|tool_call|>";
  static final String CLOSE = "<|/tool_call|>";
  static final String FUNCTOOLS = "functools[";

  @Override
  public String name() {
    return "phi4";
  }

  @Override
  public List<String> markers() {
    return List.of(OPEN, FUNCTOOLS);
  }

  @Override
  public boolean jsonAtStart() {
    return false;
  }

  @Override
  public ParsedOutput parse(String text) {
    int first = findStart(text);
    if (first < 0) {
      return ParsedOutput.text(text);
    }
    List<ParsedCall> calls = new ArrayList<>();
    int pos = first;
    while (true) {
      pos = JsonScan.skipSpace(text, pos);
      int json;
      boolean tagged = text.startsWith(OPEN, pos);
      if (tagged) {
        json = JsonScan.skipSpace(text, pos + OPEN.length());
      } else if (text.startsWith(FUNCTOOLS, pos)) {
        json = pos + FUNCTOOLS.length() - 1;
      } else {
        break;
      }
      if (json >= text.length() || (text.charAt(json) != '[' && text.charAt(json) != '{')) {
        return ParsedOutput.text(text);
      }
      int end = JsonScan.valueEnd(text, json);
      List<ParsedCall> some = end < 0 ? null : CallObjects.parseObjectOrArray(text.substring(json, end));
      if (some == null) {
        return ParsedOutput.text(text);
      }
      calls.addAll(some);
      pos = JsonScan.skipSpace(text, end);
      if (tagged && text.startsWith(CLOSE, pos)) {
        pos += CLOSE.length();
      }
    }
    return new ParsedOutput(text.substring(0, first) + text.substring(pos), calls);
  }
}
