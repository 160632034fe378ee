package dev.jllm.runtime.chat.tools;

import java.util.List;

/**
 * Model output split into the text meant for the user and the calls it made.
 *
 * @param content the text before (and any text after) the calls, or all of it when there are none
 * @param calls the calls, in order; empty when the output holds none or they were malformed
 */
public record ParsedOutput(String content, List<ParsedCall> calls) {

  public ParsedOutput {
    calls = List.copyOf(calls);
  }

  /** Output without calls: all of it is content. */
  public static ParsedOutput text(String content) {
    return new ParsedOutput(content, List.of());
  }
}
