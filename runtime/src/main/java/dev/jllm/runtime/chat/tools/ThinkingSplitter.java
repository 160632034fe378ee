package dev.jllm.runtime.chat.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * Separates the reasoning of Qwen3 / DeepSeek-R1 style models ({@code <think>...</think>} before the answer)
 * from the answer, as llama-server's {@code reasoning_content}, while the text streams. A block that opens the
 * output is reasoning; when the prompt already opened it (DeepSeek-R1's template ends with {@code <think>\n}),
 * the output starts inside it. Whitespace around the reasoning is dropped; an unclosed block is all reasoning.
 * Tags that could still be forming are held back until decided.
 */
public final class ThinkingSplitter {

  static final String OPEN = "<think>";
  static final String CLOSE = "</think>";

  private enum State { BEFORE, INSIDE, AFTER_CLOSE, CONTENT }

  private State state;
  private final StringBuilder held = new StringBuilder();
  private boolean reasoningStarted;

  /** @param startsInside whether the prompt ended inside an open thinking block */
  public ThinkingSplitter(boolean startsInside) {
    this.state = startsInside ? State.INSIDE : State.BEFORE;
  }

  /** Whether a template has thinking blocks at all (otherwise no splitter is needed). */
  public static boolean usedBy(String templateSource) {
    return templateSource.contains(CLOSE);
  }

  /** Whether a rendered prompt leaves the model inside a thinking block. */
  public static boolean promptOpensThinking(String prompt) {
    String p = prompt.stripTrailing();
    return p.endsWith(OPEN);
  }

  /** The deltas the next piece of output completes ({@link OutputDelta.Reasoning} or {@link OutputDelta.Content}). */
  public List<OutputDelta> accept(String piece) {
    List<OutputDelta> out = new ArrayList<>();
    held.append(piece);
    boolean progress = true;
    while (progress) {
      progress = false;
      switch (state) {
        case BEFORE -> {
          int start = JsonScan.skipSpace(held.toString(), 0);
          String rest = held.substring(start);
          if (rest.startsWith(OPEN)) {
            held.delete(0, start + OPEN.length());
            state = State.INSIDE;
            progress = true;
          } else if (!OPEN.startsWith(rest)) {
            state = State.CONTENT;
            progress = true;
          }
        }
        case INSIDE -> {
          // Reasoning streams as it comes, except a tail that could begin the closing tag and whitespace that
          // could be the last before it; the whitespace that opens the block is dropped.
          String text = held.toString();
          int close = text.indexOf(CLOSE);
          int end = close >= 0 ? close : partialTagStart(text);
          int from = reasoningStarted ? 0 : Math.min(end, JsonScan.skipSpace(text, 0));
          int to = end;
          while (to > from && JsonScan.isSpace(text.charAt(to - 1))) {
            to--;
          }
          if (to > from) {
            out.add(new OutputDelta.Reasoning(text.substring(from, to)));
            reasoningStarted = true;
          }
          if (close >= 0) {
            held.delete(0, close + CLOSE.length());
            state = State.AFTER_CLOSE;
            progress = true;
          } else {
            held.delete(0, to);
          }
        }
        case AFTER_CLOSE -> {
          int start = JsonScan.skipSpace(held.toString(), 0);
          held.delete(0, start);
          if (!held.isEmpty()) {
            state = State.CONTENT;
            progress = true;
          }
        }
        case CONTENT -> {
          if (!held.isEmpty()) {
            out.add(new OutputDelta.Content(held.toString()));
            held.setLength(0);
          }
        }
      }
    }
    return out;
  }


  /** The end of the output: what is still held back, as what it turned out to be. */
  public List<OutputDelta> finish() {
    List<OutputDelta> out = new ArrayList<>();
    String rest = held.toString();
    held.setLength(0);
    switch (state) {
      case INSIDE -> {
        String r = (reasoningStarted ? rest : rest.stripLeading()).stripTrailing();
        if (!r.isEmpty()) {
          out.add(new OutputDelta.Reasoning(r));
        }
      }
      case BEFORE, CONTENT -> {
        if (!rest.isEmpty()) {
          out.add(new OutputDelta.Content(rest));
        }
      }
      case AFTER_CLOSE -> { }
    }
    return out;
  }

  /** Where a tail that could begin the closing tag starts, else the text's length. */
  private static int partialTagStart(String text) {
    for (int i = Math.max(0, text.length() - CLOSE.length() + 1); i < text.length(); i++) {
      if (CLOSE.startsWith(text.substring(i))) {
        return i;
      }
    }
    return text.length();
  }
}
