package dev.jllm.runtime.chat.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * The families whose calls follow a marker, one after another ({@code <tool_call>}, {@code [TOOL_CALLS]},
 * {@code <|tool_call|>}): the calls run from the first marker on, each read by {@link #readCall}; text before
 * the first and after the last is content, and one malformed call leaves the whole output as content.
 */
abstract class MarkedFormat implements ToolCallFormat {

  /** {@link #readCall}: no call begins here, the calls have ended. */
  static final int END = -1;
  /** {@link #readCall}: a call begins here but is malformed. */
  static final int MALFORMED = -2;

  private final String name;
  private final List<String> markers;

  MarkedFormat(String name, String... markers) {
    this.name = name;
    this.markers = List.of(markers);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final List<String> markers() {
    return markers;
  }

  @Override
  public final boolean jsonAtStart() {
    return false;
  }

  @Override
  public final ParsedOutput parse(String text) {
    int first = findStart(text);
    if (first < 0) {
      return ParsedOutput.text(text);
    }
    List<ParsedCall> calls = new ArrayList<>();
    int pos = first;
    while (true) {
      int next = readCall(text, JsonScan.skipSpace(text, pos), calls);
      if (next == MALFORMED) {
        return ParsedOutput.text(text);
      }
      if (next == END) {
        break;
      }
      pos = next;
    }
    return new ParsedOutput(text.substring(0, first) + text.substring(pos), calls);
  }

  /**
   * Reads the call (or calls) that begin at {@code pos} into {@code calls}.
   *
   * @return the index after them, {@link #END} when no marker is at {@code pos}, {@link #MALFORMED}
   */
  abstract int readCall(String text, int pos, List<ParsedCall> calls);
}
