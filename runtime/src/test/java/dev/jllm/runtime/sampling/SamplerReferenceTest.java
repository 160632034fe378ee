package dev.jllm.runtime.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The sampler's truncation (partial selection, progressive top-p) against a plain reference that sorts
 * the whole vocabulary, on random logits of odd sizes up to a real vocabulary.
 */
class SamplerReferenceTest {

  private static final int[] SIZES = {1, 2, 7, 255, 256, 257, 999, 4099, 151_936};
  private static final int[] TOP_K = {0, 1, 5, 40, 257};
  private static final float[] TOP_P = {1f, 0.99f, 0.95f, 0.5f, 0.1f, 0f};
  private static final float[] MIN_P = {0f, 0.05f, 0.3f};

  @Test
  void keepsTheSameTokensAsAFullSort() {
    Random random = new Random(2024);
    int cases = 0;
    for (int n : SIZES) {
      for (int trial = 0; trial < (n > 10_000 ? 4 : 12); trial++) {
        float[] logits = randomLogits(random, n);
        int topK = TOP_K[random.nextInt(TOP_K.length)];
        float topP = TOP_P[random.nextInt(TOP_P.length)];
        float minP = MIN_P[random.nextInt(MIN_P.length)];
        SamplingParams params =
            SamplingParams.defaults().withTemperature(1f).withTopK(topK).withTopP(topP).withMinP(minP).withSeed(1);

        int[] actual = new Sampler(params, n).candidatesFor(logits);
        int[] expected = reference(logits, topK, topP, minP);

        assertThat(sortedCopy(actual))
            .as("n=%d topK=%d topP=%s minP=%s", n, topK, topP, minP)
            .containsExactly(sortedCopy(expected));
        cases++;
      }
    }
    assertThat(cases).isGreaterThan(90);
  }

  @Test
  void topKVisitsCandidatesBestFirst() {
    Random random = new Random(99);
    float[] logits = randomLogits(random, 4099);
    int[] kept =
        new Sampler(SamplingParams.defaults().withTopK(300).withTopP(0.9f).withMinP(0.01f), logits.length)
            .candidatesFor(logits);

    assertThat(kept).containsExactly(reference(logits, 300, 0.9f, 0.01f));
  }

  /** Logits with ties and a wide spread, as real ones have. */
  private static float[] randomLogits(Random random, int n) {
    float[] logits = new float[n];
    for (int i = 0; i < n; i++) {
      logits[i] = random.nextInt(10) == 0 ? Math.round(random.nextGaussian() * 2) : (float) (random.nextGaussian() * 3);
    }
    return logits;
  }

  /** llama.cpp's chain written the obvious way: sort everything, then cut. */
  static int[] reference(float[] logits, int topK, float topP, float minP) {
    Integer[] order = IntStream.range(0, logits.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i));
    int size = order.length;
    if (topK > 0) {
      size = Math.min(size, topK);
    }
    if (topP < 1f) {
      double max = logits[order[0]];
      double total = 0;
      for (int i = 0; i < size; i++) {
        total += Math.exp(logits[order[i]] - max);
      }
      double cumulative = 0;
      for (int i = 0; i < size; i++) {
        cumulative += Math.exp(logits[order[i]] - max);
        if (cumulative >= topP * total) {
          size = i + 1;
          break;
        }
      }
    }
    if (minP > 0f) {
      float bound = logits[order[0]] + (float) Math.log(minP);
      int kept = 1;
      while (kept < size && logits[order[kept]] >= bound) {
        kept++;
      }
      size = kept;
    }
    int[] result = new int[size];
    for (int i = 0; i < size; i++) {
      result[i] = order[i];
    }
    return result;
  }

  private static int[] sortedCopy(int[] ids) {
    int[] copy = ids.clone();
    Arrays.sort(copy);
    return copy;
  }
}
