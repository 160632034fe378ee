package dev.jllm.runtime.chat.tools;

/**
 * Checks, character by character, that text is the beginning of one JSON value (an object, for call arguments),
 * so that the arguments a model is writing can be streamed while it writes them and only text that can still be
 * valid JSON goes out. Whitespace outside strings is dropped ({@link #feed} says so): the pieces sent concatenate
 * to the value in compact form. Numbers are checked only for their characters; the whole value is parsed once it
 * is complete. Not thread-safe.
 */
final class JsonPrefix {

  /** What one character did. */
  enum Step { KEEP, SKIP, REJECT }

  private enum State { VALUE, FIRST_KEY, KEY, COLON, AFTER_VALUE, STRING, ESCAPE, UNICODE, NUMBER, LITERAL, DONE }

  private final StringBuilder stack = new StringBuilder();
  private State state = State.VALUE;
  private boolean stringIsKey;
  private int hexLeft;
  private String literal;
  private int literalAt;

  /** Whether the value is complete (its last bracket closed). */
  boolean done() {
    return state == State.DONE;
  }

  Step feed(char c) {
    if (state == State.NUMBER) {
      if ("0123456789+-.eE".indexOf(c) >= 0) {
        return Step.KEEP;
      }
      state = State.AFTER_VALUE;
    }
    switch (state) {
      case STRING -> {
        if (c == '\\') {
          state = State.ESCAPE;
        } else if (c == '"') {
          state = stringIsKey ? State.COLON : State.AFTER_VALUE;
        } else if (c < 0x20) {
          return Step.REJECT;
        }
        return Step.KEEP;
      }
      case ESCAPE -> {
        if (c == 'u') {
          hexLeft = 4;
          state = State.UNICODE;
          return Step.KEEP;
        }
        state = State.STRING;
        return "\"\\/bfnrt".indexOf(c) >= 0 ? Step.KEEP : Step.REJECT;
      }
      case UNICODE -> {
        if (Character.digit(c, 16) < 0) {
          return Step.REJECT;
        }
        if (--hexLeft == 0) {
          state = State.STRING;
        }
        return Step.KEEP;
      }
      case LITERAL -> {
        if (c != literal.charAt(literalAt++)) {
          return Step.REJECT;
        }
        if (literalAt == literal.length()) {
          state = State.AFTER_VALUE;
        }
        return Step.KEEP;
      }
      default -> { }
    }
    if (JsonScan.isSpace(c)) {
      return state == State.DONE ? Step.REJECT : Step.SKIP;
    }
    return switch (state) {
      case VALUE -> value(c);
      case FIRST_KEY -> c == '}' ? close(c) : key(c);
      case KEY -> key(c);
      case COLON -> {
        if (c != ':') {
          yield Step.REJECT;
        }
        state = State.VALUE;
        yield Step.KEEP;
      }
      case AFTER_VALUE -> afterValue(c);
      default -> Step.REJECT;
    };
  }

  private Step value(char c) {
    switch (c) {
      case '{' -> {
        stack.append('}');
        state = State.FIRST_KEY;
      }
      case '[' -> {
        stack.append(']');
        state = State.VALUE;
      }
      case ']' -> {
        // an empty array: '[' was followed directly by ']'
        return close(c);
      }
      case '"' -> {
        stringIsKey = false;
        state = State.STRING;
      }
      case 't', 'f', 'n' -> {
        literal = c == 't' ? "true" : c == 'f' ? "false" : "null";
        literalAt = 1;
        state = State.LITERAL;
      }
      default -> {
        if (c != '-' && (c < '0' || c > '9')) {
          return Step.REJECT;
        }
        state = State.NUMBER;
      }
    }
    if (stack.isEmpty()) {
      return Step.REJECT; // the value must be an object or array
    }
    return Step.KEEP;
  }

  private Step key(char c) {
    if (c != '"') {
      return Step.REJECT;
    }
    stringIsKey = true;
    state = State.STRING;
    return Step.KEEP;
  }

  private Step afterValue(char c) {
    if (c == ',') {
      state = stack.charAt(stack.length() - 1) == '}' ? State.KEY : State.VALUE;
      return Step.KEEP;
    }
    return close(c);
  }

  private Step close(char c) {
    if (stack.isEmpty() || stack.charAt(stack.length() - 1) != c) {
      return Step.REJECT;
    }
    stack.setLength(stack.length() - 1);
    state = stack.isEmpty() ? State.DONE : State.AFTER_VALUE;
    return Step.KEEP;
  }
}
