package dev.jllm.runtime.chat.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Qwen3 and DeepSeek-R1 output shapes, whole and one character at a time. */
class ThinkingSplitterTest {

  private record Split(String reasoning, String content) { }

  private static Split split(boolean startsInside, String text, int size) {
    ThinkingSplitter s = new ThinkingSplitter(startsInside);
    List<OutputDelta> out = new ArrayList<>();
    for (int i = 0; i < text.length(); i += size) {
      out.addAll(s.accept(text.substring(i, Math.min(text.length(), i + size))));
    }
    out.addAll(s.finish());
    StringBuilder r = new StringBuilder();
    StringBuilder c = new StringBuilder();
    for (OutputDelta d : out) {
      switch (d) {
        case OutputDelta.Reasoning x -> r.append(x.text());
        case OutputDelta.Content x -> c.append(x.text());
        default -> throw new AssertionError(d);
      }
    }
    return new Split(r.isEmpty() ? null : r.toString(), c.toString());
  }

  @Test
  void qwen3ThinkingBlock() {
    String text = "<think>\nI'm\nthinking\n</think>\n\nHello, world!\nWhat's up?";
    for (int size : new int[] {1, 2, 5, text.length()}) {
      assertThat(split(false, text, size)).isEqualTo(new Split("I'm\nthinking", "Hello, world!\nWhat's up?"));
    }
  }

  @Test
  void deepSeekR1PromptOpensTheBlock() {
    assertThat(ThinkingSplitter.promptOpensThinking("<｜Assistant｜><think>\n")).isTrue();
    String text = "I'm\nthinking\n</think>\n\nHello";
    for (int size : new int[] {1, 3, text.length()}) {
      assertThat(split(true, text, size)).isEqualTo(new Split("I'm\nthinking", "Hello"));
    }
  }

  @Test
  void noBlockIsAllContent() {
    assertThat(split(false, "  Hello <think> there", 1)).isEqualTo(new Split(null, "  Hello <think> there"));
    assertThat(split(false, "<thi", 1)).isEqualTo(new Split(null, "<thi"));
  }

  @Test
  void unclosedBlockIsReasoning() {
    assertThat(split(false, "<think>still going", 2)).isEqualTo(new Split("still going", ""));
  }
}
