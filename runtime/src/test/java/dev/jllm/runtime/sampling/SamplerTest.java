package dev.jllm.runtime.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplerTest {

  /** Only the stage under test: no top-k, top-p or min-p unless a test sets them. */
  private static final SamplingParams PLAIN =
      SamplingParams.defaults().withTopK(0).withTopP(1f).withMinP(0f).withTemperature(1f).withSeed(7);

  private static float ln(double p) {
    return (float) Math.log(p);
  }

  @Test
  void greedyPicksTheHighestLogitAndTheLowerIdOnATie() {
    Sampler greedy = new Sampler(SamplingParams.greedy(), 5);

    assertThat(greedy.sample(new float[] {0.1f, 2.5f, -1f, 2.4f, 0f})).isEqualTo(1);
    assertThat(greedy.sample(new float[] {0.1f, 2.5f, -1f, 2.5f, 2.5f})).isEqualTo(1);
    assertThat(greedy.sample(new float[] {Float.NaN, -3f, Float.NEGATIVE_INFINITY, -2f, Float.NaN})).isEqualTo(3);
  }

  @Test
  void greedyAppliesTheLogitBiasFirst() {
    Sampler biased = new Sampler(SamplingParams.greedy().withLogitBias(Map.of(0, Float.NEGATIVE_INFINITY, 2, 1.5f)), 3);

    // 5 banned; 1 + 1.5 = 2.5 beats 2.
    assertThat(biased.sample(new float[] {5f, 2f, 1f})).isEqualTo(2);
  }

  @Test
  void repeatPenaltyDividesPositiveAndMultipliesNegativeLogits() {
    Sampler sampler = new Sampler(PLAIN.withRepeatPenalty(2f), 4);
    sampler.acceptAll(new int[] {0, 1, 1});

    // token 0: 2.0 / 2 = 1.0; token 1: -1.0 * 2 = -2.0 (once, though seen twice); 2 and 3 unseen.
    assertThat(sampler.adjustedLogits(new float[] {2f, -1f, 0.5f, 3f})).containsExactly(1f, -2f, 0.5f, 3f);
  }

  @Test
  void presenceAndFrequencyPenaltiesSubtractPerTokenAndPerOccurrence() {
    Sampler sampler = new Sampler(PLAIN.withPresencePenalty(0.5f).withFrequencyPenalty(0.25f), 4);
    sampler.acceptAll(new int[] {0, 1, 1, 1});

    // token 0: 2.0 - 1*0.25 - 0.5 = 1.25; token 1: -1.0 - 3*0.25 - 0.5 = -2.25.
    assertThat(sampler.adjustedLogits(new float[] {2f, -1f, 0.5f, 3f})).containsExactly(1.25f, -2.25f, 0.5f, 3f);
  }

  @Test
  void penaltiesOnlySeeTheLastNTokens() {
    Sampler sampler = new Sampler(PLAIN.withRepeatPenalty(2f).withRepeatLastN(2), 4);
    sampler.acceptAll(new int[] {0, 1, 2});

    // Token 0 has left the window of two.
    assertThat(sampler.adjustedLogits(new float[] {2f, 2f, 2f, 2f})).containsExactly(2f, 1f, 1f, 2f);
  }

  @Test
  void repeatLastNMinusOneCoversTheWholeHistoryAndZeroTurnsPenaltiesOff() {
    Sampler all = new Sampler(PLAIN.withRepeatPenalty(2f).withRepeatLastN(-1), 3);
    for (int i = 0; i < 1000; i++) {
      all.accept(1);
    }
    all.accept(0);
    Sampler off = new Sampler(PLAIN.withRepeatPenalty(2f).withRepeatLastN(0), 3);
    off.acceptAll(new int[] {0, 1});

    assertThat(all.adjustedLogits(new float[] {4f, 4f, 4f})).containsExactly(2f, 2f, 4f);
    assertThat(off.adjustedLogits(new float[] {4f, 4f, 4f})).containsExactly(4f, 4f, 4f);
  }

  @Test
  void topKKeepsTheKBestWithLowerIdsFirstOnTies() {
    Sampler sampler = new Sampler(PLAIN.withTopK(3), 6);

    assertThat(sampler.candidatesFor(new float[] {1f, 3f, 2f, 3f, -1f, 2f})).containsExactly(1, 3, 2);
    assertThat(new Sampler(PLAIN.withTopK(6), 6).candidatesFor(new float[] {1f, 3f, 2f, 3f, -1f, 2f})).hasSize(6);
    assertThat(new Sampler(PLAIN.withTopK(100), 6).candidatesFor(new float[] {1f, 3f, 2f, 3f, -1f, 2f})).hasSize(6);
  }

  @Test
  void topPKeepsTheShortestPrefixReachingP() {
    // Probabilities 0.5, 0.3, 0.15, 0.05 (in shuffled id order).
    float[] logits = {ln(0.15), ln(0.5), ln(0.05), ln(0.3)};

    assertThat(new Sampler(PLAIN.withTopP(0.49f), 4).candidatesFor(logits)).containsExactlyInAnyOrder(1);
    assertThat(new Sampler(PLAIN.withTopP(0.51f), 4).candidatesFor(logits)).containsExactlyInAnyOrder(1, 3);
    assertThat(new Sampler(PLAIN.withTopP(0.79f), 4).candidatesFor(logits)).containsExactlyInAnyOrder(1, 3);
    assertThat(new Sampler(PLAIN.withTopP(0.81f), 4).candidatesFor(logits)).containsExactlyInAnyOrder(1, 3, 0);
    assertThat(new Sampler(PLAIN.withTopP(0.96f), 4).candidatesFor(logits)).containsExactlyInAnyOrder(1, 3, 0, 2);
    // p = 0 still keeps one token.
    assertThat(new Sampler(PLAIN.withTopP(0f), 4).candidatesFor(logits)).containsExactlyInAnyOrder(1);
  }

  @Test
  void topPRenormalisesOverWhatTopKLeft() {
    float[] logits = {ln(0.15), ln(0.5), ln(0.05), ln(0.3)};

    // After top-k 2 the kept probabilities are 0.625 and 0.375: p 0.6 needs only the first.
    assertThat(new Sampler(PLAIN.withTopK(2).withTopP(0.6f), 4).candidatesFor(logits)).containsExactly(1);
    assertThat(new Sampler(PLAIN.withTopK(2).withTopP(0.63f), 4).candidatesFor(logits)).containsExactly(1, 3);
  }

  @Test
  void minPKeepsTokensWithAtLeastThatShareOfTheBestProbability() {
    float[] logits = {ln(0.15), ln(0.5), ln(0.05), ln(0.3)};

    // minP 0.2: bound 0.1 -> 0.5, 0.3, 0.15 stay. minP 0.35: bound 0.175 -> 0.5, 0.3.
    assertThat(new Sampler(PLAIN.withMinP(0.2f), 4).candidatesFor(logits)).containsExactlyInAnyOrder(1, 3, 0);
    assertThat(new Sampler(PLAIN.withMinP(0.35f), 4).candidatesFor(logits)).containsExactlyInAnyOrder(1, 3);
    // A token exactly at the bound stays.
    assertThat(new Sampler(PLAIN.withMinP(0.5f), 2).candidatesFor(new float[] {0f, ln(0.5)})).containsExactly(0, 1);
  }

  @Test
  void temperatureSharpensAndFlattens() {
    // p(0) = 2/3 at temperature 1; weights 4:1 at 0.5, so 0.8; sqrt(2):1 at 2, so 0.5858.
    float[] logits = {ln(2), 0f};

    assertThat(frequencyOfZero(PLAIN, logits)).isCloseTo(2.0 / 3, within(tolerance(2.0 / 3)));
    assertThat(frequencyOfZero(PLAIN.withTemperature(0.5f), logits)).isCloseTo(0.8, within(tolerance(0.8)));
    double flat = Math.sqrt(2) / (Math.sqrt(2) + 1);
    assertThat(frequencyOfZero(PLAIN.withTemperature(2f), logits)).isCloseTo(flat, within(tolerance(flat)));
  }

  private static final int DRAWS = 40_000;

  /** 4.5 standard deviations of a frequency over DRAWS draws: a correct sampler fails with p < 1e-5. */
  private static double tolerance(double p) {
    return 4.5 * Math.sqrt(p * (1 - p) / DRAWS);
  }

  private static double frequencyOfZero(SamplingParams params, float[] logits) {
    Sampler sampler = new Sampler(params, logits.length);
    int zeros = 0;
    for (int i = 0; i < DRAWS; i++) {
      if (sampler.sample(logits) == 0) {
        zeros++;
      }
    }
    return zeros / (double) DRAWS;
  }

  @Test
  void drawsFollowTheSoftmaxAtTemperatureOne() {
    float[] logits = {1.0f, 0.5f, 0.0f, -0.5f, -2.0f, 0.25f, 1.5f};
    double[] expected = softmax(logits);
    int[] counts = new int[logits.length];
    Sampler sampler = new Sampler(PLAIN.withSeed(12345), logits.length);
    for (int i = 0; i < DRAWS; i++) {
      counts[sampler.sample(logits)]++;
    }

    for (int t = 0; t < logits.length; t++) {
      assertThat(counts[t] / (double) DRAWS).as("token %d", t).isCloseTo(expected[t], within(tolerance(expected[t])));
    }
  }

  @Test
  void truncatedTokensAreNeverDrawn() {
    float[] logits = {ln(0.15), ln(0.5), ln(0.05), ln(0.3)};
    Sampler sampler = new Sampler(PLAIN.withTopP(0.79f).withTemperature(5f), 4);
    int[] counts = new int[4];
    for (int i = 0; i < 5_000; i++) {
      counts[sampler.sample(logits)]++;
    }

    assertThat(counts[0]).isZero();
    assertThat(counts[2]).isZero();
    assertThat(counts[1]).isPositive();
    assertThat(counts[3]).isPositive();
  }

  @Test
  void aSeedMakesARunRepeatableAndDifferentSeedsDiffer() {
    float[] logits = new float[50];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) Math.sin(i);
    }
    SamplingParams params = SamplingParams.defaults().withTopK(0).withMinP(0f).withTemperature(1.5f);

    int[] first = run(params.withSeed(42), logits);
    assertThat(run(params.withSeed(42), logits)).containsExactly(first);
    assertThat(run(params.withSeed(43), logits)).isNotEqualTo(first);
    // Without a seed, two samplers start from different random states.
    assertThat(run(params, logits)).isNotEqualTo(run(params, logits));
  }

  private static int[] run(SamplingParams params, float[] logits) {
    Sampler sampler = new Sampler(params, logits.length);
    int[] tokens = new int[200];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = sampler.sample(logits);
    }
    return tokens;
  }

  @Test
  void rejectsBadInputClearly() {
    assertThatThrownBy(() -> new Sampler(SamplingParams.defaults().withLogitBias(Map.of(10, 1f)), 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("token 10, outside the vocabulary of 10");
    Sampler sampler = new Sampler(SamplingParams.defaults(), 4);
    assertThatThrownBy(() -> sampler.sample(new float[3])).hasMessage("expected 4 logits, got 3");
    assertThatThrownBy(() -> sampler.sample(new float[] {Float.NaN, Float.NEGATIVE_INFINITY, Float.NaN, Float.NaN}))
        .hasMessage("no token has a finite logit");
    assertThatThrownBy(() -> sampler.accept(4)).hasMessageContaining("outside the vocabulary");
  }

  static double[] softmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    double[] p = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      p[i] = Math.exp(logits[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }
}
