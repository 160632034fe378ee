package dev.jllm.runtime.chat.tools;

import dev.jllm.template.ChatJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Llama 3.1, 3.2 and 3.3: a custom tool is called with bare JSON that opens the answer,
 * {@code {"name": ..., "parameters": {...}}} (3.2 also writes {@code "type": "function"} first; several calls
 * are separated by ';'), optionally after {@code <|python_tag|>}. After {@code <|python_tag|>} a built-in tool
 * is called as {@code brave_search.call(query="...")}, and anything else there is code for the code interpreter:
 * a call of {@code python} with {@code {"code": ...}}, as llama.cpp reports it.
 */
public final class Llama3Format implements ToolCallFormat {

  static final String PYTHON_TAG = "<|python_tag|>";
  private static final Pattern BUILTIN = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\.call\\((.*)\\)\\s*", Pattern.DOTALL);

  @Override
  public String name() {
    return "llama3";
  }

  @Override
  public List<String> markers() {
    return List.of(PYTHON_TAG);
  }

  @Override
  public boolean jsonAtStart() {
    return true;
  }

  @Override
  public ParsedOutput parse(String text) {
    int first = findStart(text);
    if (first < 0) {
      return ParsedOutput.text(text);
    }
    String before = text.substring(0, first);
    int body = first;
    boolean tagged = text.startsWith(PYTHON_TAG, first);
    if (tagged) {
      body = JsonScan.skipSpace(text, first + PYTHON_TAG.length());
    }
    if (body < text.length() && text.charAt(body) == '{') {
      List<ParsedCall> calls = new ArrayList<>();
      int pos = body;
      while (pos < text.length() && text.charAt(pos) == '{') {
        int end = JsonScan.valueEnd(text, pos);
        ParsedCall call = end < 0 ? null : CallObjects.parseObject(text.substring(pos, end));
        if (call == null) {
          return ParsedOutput.text(text);
        }
        calls.add(call);
        pos = JsonScan.skipSpace(text, end);
        if (pos < text.length() && text.charAt(pos) == ';') {
          pos = JsonScan.skipSpace(text, pos + 1);
        }
      }
      return new ParsedOutput(before + text.substring(pos), calls);
    }
    if (!tagged) {
      return ParsedOutput.text(text);
    }
    String code = text.substring(body);
    Matcher m = BUILTIN.matcher(code);
    if (m.matches()) {
      Map<String, Object> args = keywordArguments(m.group(2));
      if (args != null) {
        return new ParsedOutput(before, List.of(new ParsedCall(m.group(1), ChatJson.compact(args), null)));
      }
    }
    if (code.isBlank()) {
      return ParsedOutput.text(text);
    }
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("code", code);
    return new ParsedOutput(before, List.of(new ParsedCall("python", ChatJson.compact(args), null)));
  }

  /** {@code query="x", count=3}: Python keyword arguments with string or JSON literal values; null if not that. */
  static Map<String, Object> keywordArguments(String source) {
    Map<String, Object> args = new LinkedHashMap<>();
    int i = JsonScan.skipSpace(source, 0);
    while (i < source.length()) {
      int eq = source.indexOf('=', i);
      if (eq < 0) {
        return null;
      }
      String key = source.substring(i, eq).strip();
      if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        return null;
      }
      int v = JsonScan.skipSpace(source, eq + 1);
      int end;
      Object value;
      if (v < source.length() && (source.charAt(v) == '"' || source.charAt(v) == '\'')) {
        char quote = source.charAt(v);
        StringBuilder s = new StringBuilder();
        end = v + 1;
        while (end < source.length() && source.charAt(end) != quote) {
          if (source.charAt(end) == '\\' && end + 1 < source.length()) {
            end++;
          }
          s.append(source.charAt(end++));
        }
        if (end >= source.length()) {
          return null;
        }
        end++;
        value = s.toString();
      } else {
        end = source.indexOf(',', v);
        end = end < 0 ? source.length() : end;
        try {
          value = ChatJson.parse(source.substring(v, end).strip());
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
      args.put(key, value);
      i = JsonScan.skipSpace(source, end);
      if (i < source.length()) {
        if (source.charAt(i) != ',') {
          return null;
        }
        i = JsonScan.skipSpace(source, i + 1);
      }
    }
    return args;
  }
}
