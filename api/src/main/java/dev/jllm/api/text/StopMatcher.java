package dev.jllm.api.text;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Decides what generated text may be streamed out, for every engine (the local engine's scheduler, jlama): it ends the output at a stop string (which is never
 * emitted, even when it arrives split over several tokens) or at an end-of-generation token.
 *
 * <p>Feed it each token's decoded text in order. It returns the text that is safe to emit now and holds
 * back any ending that could be the start of a stop string, until the next piece settles it. When
 * generation ends for another reason (length limit, cancellation), {@link #flush()} hands over the held
 * text. One matcher per sequence; not thread-safe.
 *
 * <pre>{@code
 * StopMatcher stops = new StopMatcher(params.stop(), Set.of(eosId));
 * Emission e = stops.onToken(token, detokenizer.piece(token));
 * send(e.text());
 * if (e.stopped()) finish("stop");
 * }</pre>
 */
public final class StopMatcher {

  /** Why the output ended. */
  public enum StopReason {
    /** A stop string appeared in the text. */
    STOP_STRING,
    /** The model produced an end-of-generation token. */
    END_OF_GENERATION
  }

  /**
   * What to do after one piece of text.
   *
   * @param text the text to emit now (possibly empty)
   * @param reason null while generation continues, else why it ended
   * @param stopString the stop string that ended it, or null
   */
  public record Emission(String text, StopReason reason, String stopString) {
    public boolean stopped() {
      return reason != null;
    }
  }

  private final List<String> stops;
  private final Set<Integer> endOfGeneration;
  private final int longestStop;
  private final StringBuilder held = new StringBuilder();
  private boolean stopped;

  /**
   * @param stopStrings strings that end the output (empty strings are ignored)
   * @param endOfGenerationTokens token ids that end the output (EOS, EOT, ...)
   */
  public StopMatcher(Collection<String> stopStrings, Set<Integer> endOfGenerationTokens) {
    List<String> nonEmpty = new ArrayList<>();
    int longest = 0;
    for (String stop : stopStrings) {
      if (!stop.isEmpty()) {
        nonEmpty.add(stop);
        longest = Math.max(longest, stop.length());
      }
    }
    this.stops = List.copyOf(nonEmpty);
    this.longestStop = longest;
    this.endOfGeneration = Set.copyOf(endOfGenerationTokens);
  }

  /**
   * The next generated token and its decoded text. An end-of-generation token stops the output: the held
   * text is released and the token's own text is not emitted.
   */
  public Emission onToken(int token, String text) {
    checkRunning();
    if (endOfGeneration.contains(token)) {
      stopped = true;
      String rest = held.toString();
      held.setLength(0);
      return new Emission(rest, StopReason.END_OF_GENERATION, null);
    }
    return onText(text);
  }

  /** The next piece of generated text. */
  public Emission onText(String text) {
    checkRunning();
    int before = held.length();
    held.append(text);
    int matchStart = -1;
    int matchEnd = Integer.MAX_VALUE;
    String matched = null;
    for (String stop : stops) {
      // A stop wholly inside the earlier held text would already have been found.
      int at = held.indexOf(stop, Math.max(0, before - stop.length() + 1));
      // The stop that completes first wins (what feeding one character at a time would find); on a tie
      // the one that starts first.
      if (at >= 0 && (at + stop.length() < matchEnd || (at + stop.length() == matchEnd && at < matchStart))) {
        matchStart = at;
        matchEnd = at + stop.length();
        matched = stop;
      }
    }
    if (matched != null) {
      stopped = true;
      String emit = held.substring(0, matchStart);
      held.setLength(0);
      return new Emission(emit, StopReason.STOP_STRING, matched);
    }
    int keep = heldBackLength();
    String emit = held.substring(0, held.length() - keep);
    held.delete(0, held.length() - keep);
    return new Emission(emit, null, null);
  }

  /** Generation ended without a stop: the text held back as a possible stop prefix is output after all. */
  public String flush() {
    String rest = held.toString();
    held.setLength(0);
    stopped = true;
    return rest;
  }

  public boolean isStopped() {
    return stopped;
  }

  /** The longest ending of the held text that begins some stop string (and could complete it later). */
  private int heldBackLength() {
    int max = Math.min(held.length(), longestStop - 1);
    for (int k = max; k > 0; k--) {
      int from = held.length() - k;
      for (String stop : stops) {
        if (stop.length() > k && startsWithHeldFrom(from, stop, k)) {
          return k;
        }
      }
    }
    return 0;
  }

  private boolean startsWithHeldFrom(int from, String stop, int length) {
    for (int i = 0; i < length; i++) {
      if (held.charAt(from + i) != stop.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private void checkRunning() {
    if (stopped) {
      throw new IllegalStateException("generation has already stopped");
    }
  }
}
