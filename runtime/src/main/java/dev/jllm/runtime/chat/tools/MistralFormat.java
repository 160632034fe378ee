package dev.jllm.runtime.chat.tools;

import java.util.List;

/**
 * Mistral: {@code [TOOL_CALLS]} followed by a JSON list of calls with 9-character ids (Mistral 7B v0.3,
 * Nemo: {@code [TOOL_CALLS][{"name": ..., "arguments": {...}, "id": "a1b2c3d4e"}]}), or, in the newer
 * tokenizers (Small 3.2, Magistral, Devstral), {@code [TOOL_CALLS]name[ARGS]{...}} with an optional
 * {@code [CALL_ID]id} before {@code [ARGS]}, once per call. Mistral's templates refuse call ids that are not
 * nine letters or digits, so that is what {@link #newCallId} makes.
 */
public final class MistralFormat extends MarkedFormat {

  static final String MARKER = "[TOOL_CALLS]";
  static final String ARGS = "[ARGS]";
  static final String CALL_ID = "[CALL_ID]";

  public MistralFormat() {
    super("mistral", MARKER);
  }

  /** Mistral's models write their calls' ids themselves, after the arguments: calls are parsed whole. */
  @Override
  public boolean streamsArguments() {
    return false;
  }

  @Override
  public String newCallId() {
    return CallIds.random(9);
  }

  @Override
  int readCall(String text, int pos, List<ParsedCall> calls) {
    if (!text.startsWith(MARKER, pos)) {
      return END;
    }
    int body = JsonScan.skipSpace(text, pos + MARKER.length());
    if (body < text.length() && text.charAt(body) == '[') {
      int end = JsonScan.valueEnd(text, body);
      List<ParsedCall> some = end < 0 ? null : CallObjects.parseObjectOrArray(text.substring(body, end));
      if (some == null) {
        return MALFORMED;
      }
      calls.addAll(some);
      return end;
    }
    int args = text.indexOf(ARGS, body);
    if (args < 0) {
      return MALFORMED;
    }
    String name = text.substring(body, args);
    String id = null;
    int idAt = name.indexOf(CALL_ID);
    if (idAt >= 0) {
      id = name.substring(idAt + CALL_ID.length()).strip();
      name = name.substring(0, idAt);
    }
    name = name.strip();
    int json = JsonScan.skipSpace(text, args + ARGS.length());
    if (name.isEmpty() || !name.matches("[A-Za-z0-9_.-]+") || json >= text.length() || text.charAt(json) != '{') {
      return MALFORMED;
    }
    int end = JsonScan.valueEnd(text, json);
    String arguments = null;
    if (end > 0) {
      try {
        arguments = CallObjects.arguments(dev.jllm.template.ChatJson.parse(text.substring(json, end)));
      } catch (IllegalArgumentException e) {
        arguments = null;
      }
    }
    if (arguments == null) {
      return MALFORMED;
    }
    calls.add(new ParsedCall(name, arguments, id == null || id.isEmpty() ? null : id));
    return end;
  }
}
