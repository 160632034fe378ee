package dev.jllm.api.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.api.text.StopMatcher.Emission;
import dev.jllm.api.text.StopMatcher.StopReason;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StopMatcherTest {

  private static final int EOS = 2;

  /** Feeds pieces until a stop; returns everything emitted plus "|stop=<string>" or "|eog" or "|end". */
  private static String feed(List<String> stops, String... pieces) {
    StopMatcher matcher = new StopMatcher(stops, Set.of(EOS));
    StringBuilder out = new StringBuilder();
    for (String piece : pieces) {
      Emission e = matcher.onText(piece);
      out.append(e.text());
      if (e.stopped()) {
        return out + "|stop=" + e.stopString();
      }
    }
    return out + matcher.flush() + "|end";
  }

  @Test
  void textWithoutStopsPassesStraightThrough() {
    StopMatcher matcher = new StopMatcher(List.of("###"), Set.of(EOS));

    assertThat(matcher.onText("Hello").text()).isEqualTo("Hello");
    assertThat(matcher.onText(", world").text()).isEqualTo(", world");
  }

  @Test
  void aStopSplitOverTwoOrThreePiecesIsNeverEmitted() {
    assertThat(feed(List.of("</answer>"), "The answer is 4", "</ans", "wer> trailing")).isEqualTo("The answer is 4|stop=</answer>");
    assertThat(feed(List.of("</answer>"), "4<", "/ans", "wer>")).isEqualTo("4|stop=</answer>");
    assertThat(feed(List.of("STOP"), "aS", "T", "OPb")).isEqualTo("a|stop=STOP");
  }

  @Test
  void holdsBackOnlyWhatCouldStillBecomeAStop() {
    StopMatcher matcher = new StopMatcher(List.of("abc"), Set.of(EOS));

    assertThat(matcher.onText("xa").text()).isEqualTo("x");
    assertThat(matcher.onText("b").text()).isEmpty();
    // "abd" cannot start "abc" any more: all of it goes out.
    assertThat(matcher.onText("d").text()).isEqualTo("abd");
  }

  @Test
  void overlappingPrefixesStillFindTheStop() {
    // "a" is held, then "aa" shows the first "a" cannot start a match but the second can.
    assertThat(feed(List.of("abc"), "a", "a", "b", "c")).isEqualTo("a|stop=abc");
    assertThat(feed(List.of("abc"), "aabc")).isEqualTo("a|stop=abc");
    assertThat(feed(List.of("aab"), "a", "a", "a", "b")).isEqualTo("a|stop=aab");
  }

  @Test
  void theStopThatCompletesFirstWins() {
    assertThat(feed(List.of("world", "lo w"), "hello", " world")).isEqualTo("hel|stop=lo w");
    // Given all at once, the answer is the same as one character at a time.
    assertThat(feed(List.of("abcd", "bc"), "abcd")).isEqualTo("a|stop=bc");
    assertThat(feed(List.of("abcd", "bc"), "a", "b", "c", "d")).isEqualTo("a|stop=bc");
    // Both complete with the same character: the one that starts earlier hides more.
    assertThat(feed(List.of("b", "ab"), "ab")).isEqualTo("|stop=ab");
  }

  @Test
  void flushReleasesHeldTextWhenGenerationEndsWithoutAStop() {
    assertThat(feed(List.of("</s>"), "bye <", "/")).isEqualTo("bye </|end");
    assertThat(feed(List.of(), "no", " stops")).isEqualTo("no stops|end");
  }

  @Test
  void anEndOfGenerationTokenStopsAndReleasesHeldText() {
    StopMatcher matcher = new StopMatcher(List.of("<|im_end|>"), Set.of(EOS));

    assertThat(matcher.onToken(10, "Done<|im").text()).isEqualTo("Done");
    Emission end = matcher.onToken(EOS, "</s>");

    assertThat(end.text()).isEqualTo("<|im");
    assertThat(end.reason()).isEqualTo(StopReason.END_OF_GENERATION);
    assertThat(end.stopString()).isNull();
    assertThat(matcher.isStopped()).isTrue();
    assertThatThrownBy(() -> matcher.onText("more")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void handlesSurrogatePairsAndEmptyPieces() {
    assertThat(feed(List.of("😀!"), "ok ", "", "😀", "!")).isEqualTo("ok |stop=😀!");
    assertThat(feed(List.of("x"), "é😀", "")).isEqualTo("é😀|end");
  }
}
