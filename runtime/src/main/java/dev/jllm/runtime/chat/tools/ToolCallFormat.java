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

  /**
   * Whether calls can be streamed while they are written ({@link CallStreamer}): true where the name comes before
   * the arguments and the call's id is the server's to give.
   */
  default boolean streamsArguments() {
    return true;
  }

  /** A fresh call id of the shape this family's template accepts back. */
  default String newCallId() {
    return "call_" + CallIds.random(24);
  }

  /** Where the first call region begins, or -1. */
  default int findStart(String text) {
    return findStart(text, true);
  }

  /**
   * Where the first call region begins in {@code text}, or -1.
   *
   * @param atOutputStart whether {@code text} is the output from its beginning (a bare-JSON call can only open
   *     the output); false for a tail of it
   */
  default int findStart(String text, boolean atOutputStart) {
    int best = -1;
    for (String marker : markers()) {
      int at = text.indexOf(marker);
      if (at >= 0 && (best < 0 || at < best)) {
        best = at;
      }
    }
    if (jsonAtStart() && atOutputStart) {
      int first = JsonScan.skipSpace(text, 0);
      if (first < text.length() && text.charAt(first) == '{' && (best < 0 || first < best)) {
        best = first;
      }
    }
    return best;
  }

  /**
   * The earliest index from which the text might still become a call region as more arrives (its tail is the
   * beginning of a marker, or, for bare-JSON calls, it is the output's start and all whitespace so far);
   * {@code text.length()} when nothing needs holding back.
   *
   * @param atOutputStart whether {@code text} is the output from its beginning
   */
  default int holdFrom(String text, boolean atOutputStart) {
    if (jsonAtStart() && atOutputStart && JsonScan.skipSpace(text, 0) == text.length()) {
      return 0;
    }
    int longest = 0;
    for (String marker : markers()) {
      longest = Math.max(longest, marker.length());
    }
    for (int i = Math.max(0, text.length() - longest + 1); i < text.length(); i++) {
      for (String marker : markers()) {
        if (marker.startsWith(text.substring(i))) {
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
