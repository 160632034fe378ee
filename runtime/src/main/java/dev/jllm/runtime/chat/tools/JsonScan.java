package dev.jllm.runtime.chat.tools;

/**
 * Finds where a JSON object or array written by a model ends, so that calls can be cut out of surrounding text
 * before they are parsed. Strings (with escapes) are skipped, brackets counted; nothing else is validated here.
 */
final class JsonScan {

  private JsonScan() {}

  /**
   * @param start the index of an opening '{' or '['
   * @return the index just after the matching close, or -1 when the text ends first (or brackets mismatch)
   */
  static int valueEnd(String text, int start) {
    char open = text.charAt(start);
    if (open != '{' && open != '[') {
      throw new IllegalArgumentException("not an object or array at " + start);
    }
    StringBuilder stack = new StringBuilder();
    boolean inString = false;
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
        continue;
      }
      switch (c) {
        case '"' -> inString = true;
        case '{' -> stack.append('}');
        case '[' -> stack.append(']');
        case '}', ']' -> {
          if (stack.isEmpty() || stack.charAt(stack.length() - 1) != c) {
            return -1;
          }
          stack.setLength(stack.length() - 1);
          if (stack.isEmpty()) {
            return i + 1;
          }
        }
        default -> { }
      }
    }
    return -1;
  }

  /** The first index at or after {@code from} that is not JSON whitespace. */
  static int skipSpace(String text, int from) {
    int i = from;
    while (i < text.length() && isSpace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  static boolean isSpace(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
  }
}
