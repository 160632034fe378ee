package dev.jllm.runtime.chat.tools;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How one family of chat templates has its models write function calls, and how to read them back. The text a
 * call region starts with is a marker ({@code <tool_call>}, {@code [TOOL_CALLS]}, ...) anywhere in the output,
 * or, for families whose calls are bare JSON, a '{' that opens the output.
 *
 * <p>{@link #parse} never fails: output whose calls are malformed is plain content, as llama.cpp treats it.
 */
public interface ToolCallFormat {

  /** A short name for logs and {@code /props}: "hermes", "llama3", "mistral", "phi4", "generic". */
  String name();

  /** The texts that begin a call region wherever they appear. */
  List<String> markers();

  /** Whether a '{' that opens the output (after whitespace) begins a call region (bare JSON calls). */
  boolean jsonAtStart();

  /** Splits output into content and calls; malformed calls leave all of it as content. */
  ParsedOutput parse(String text);

  /** A fresh call id of the shape this family's template accepts back. */
  default String newCallId() {
    return "call_" + CallIds.random(24);
  }

  /** Where the first call region begins, or -1. */
  default int findStart(String text) {
    int best = -1;
    for (String marker : markers()) {
      int at = text.indexOf(marker);
      if (at >= 0 && (best < 0 || at < best)) {
        best = at;
      }
    }
    if (jsonAtStart()) {
      int first = JsonScan.skipSpace(text, 0);
      if (first < text.length() && text.charAt(first) == '{' && (best < 0 || first < best)) {
        best = first;
      }
    }
    return best;
  }

  /**
   * The earliest index at or after {@code from} from which the text might still become a call region as more
   * arrives (its tail is the beginning of a marker, or it is all whitespace so far for bare JSON calls);
   * {@code text.length()} when nothing needs holding back.
   */
  default int holdFrom(String text, int from) {
    if (jsonAtStart() && JsonScan.skipSpace(text, 0) == text.length()) {
      return Math.min(from, text.length());
    }
    for (int i = Math.max(from, 0); i < text.length(); i++) {
      for (String marker : markers()) {
        int tail = text.length() - i;
        if (tail < marker.length() && marker.startsWith(text.substring(i))) {
          return i;
        }
      }
    }
    return text.length();
  }

  /** Random ids. */
  final class CallIds {
    private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private CallIds() {}

    static String random(int length) {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      StringBuilder s = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        s.append(ALPHANUMERIC.charAt(r.nextInt(ALPHANUMERIC.length())));
      }
      return s.toString();
    }
  }
}
