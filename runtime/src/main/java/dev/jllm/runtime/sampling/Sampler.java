package dev.jllm.runtime.sampling;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Picks each next token of one sequence from the model's logits, following {@link SamplingParams}:
 * logit bias, repetition/presence/frequency penalties over the recent tokens, top-k, top-p, min-p,
 * temperature, and a draw from a seeded random generator (llama.cpp's default chain and semantics).
 * With temperature 0 it is greedy: the highest logit after bias and penalties, the lower id on a tie.
 *
 * <p>With a {@link TokenConstraint} (a grammar), every token it does not allow is masked out first, before
 * bias, penalties and truncation, so greedy and sampled decoding both stay inside it.
 *
 * <p>One sampler per sequence (it holds the token history and the random state); not thread-safe. Work
 * arrays are allocated once, so sampling allocates nothing per token. With top-k set, candidates are
 * chosen by a partial selection, never a sort of the whole vocabulary.
 */
public final class Sampler {

  /** Histogram resolution for top-p over an unsorted set; 40 nats down, a token weighs under 1e-17. */
  private static final int BUCKETS = 4096;

  private static final double BUCKET_RANGE = 40.0;

  private final SamplingParams params;
  private final int vocabSize;
  private final int[] biasIds;
  private final float[] biasValues;
  private final PenaltyWindow window;
  private final SplittableRandom random;
  private final float[] work;
  private final double[] weights;
  private final double[] bucketMass = new double[BUCKETS];
  private final int[] edge;
  private final TokenConstraint constraint;
  private final long[] allowed;
  private int[] candidates;
  private int[] spare;
  private int size;
  private boolean sorted;

  /**
   * @param params how to sample
   * @param vocabSize the number of logits per step
   * @throws IllegalArgumentException if a logit-bias token id is outside the vocabulary
   */
  public Sampler(SamplingParams params, int vocabSize) {
    this(params, vocabSize, null);
  }

  /**
   * @param constraint the tokens allowed at each step (null: all); its owner advances it with each kept token
   */
  public Sampler(SamplingParams params, int vocabSize, TokenConstraint constraint) {
    if (vocabSize <= 0) {
      throw new IllegalArgumentException("vocabSize must be positive, got " + vocabSize);
    }
    this.params = params;
    this.vocabSize = vocabSize;
    this.biasIds = new int[params.logitBias().size()];
    this.biasValues = new float[biasIds.length];
    int b = 0;
    for (Map.Entry<Integer, Float> bias : params.logitBias().entrySet()) {
      if (bias.getKey() >= vocabSize) {
        throw new IllegalArgumentException(
            "logit bias for token " + bias.getKey() + ", outside the vocabulary of " + vocabSize + " tokens");
      }
      biasIds[b] = bias.getKey();
      biasValues[b] = bias.getValue();
      b++;
    }
    boolean penalties =
        params.repeatLastN() != 0
            && (params.repeatPenalty() != 1f || params.presencePenalty() != 0f || params.frequencyPenalty() != 0f);
    this.window = penalties ? new PenaltyWindow(params.repeatLastN(), vocabSize) : null;
    this.random = params.seed().isPresent() ? new SplittableRandom(params.seed().getAsLong()) : new SplittableRandom();
    this.work = new float[vocabSize];
    this.weights = new double[vocabSize];
    this.candidates = new int[vocabSize];
    this.spare = new int[vocabSize];
    this.edge = new int[vocabSize];
    this.constraint = constraint;
    this.allowed = constraint == null ? null : new long[(vocabSize + 63) >>> 6];
  }

  public SamplingParams params() {
    return params;
  }

  /**
   * Records a token of the sequence for the repetition penalties: the prompt's tokens (llama.cpp's server
   * feeds them too) and each generated one.
   */
  public void accept(int token) {
    if (token < 0 || token >= vocabSize) {
      throw new IllegalArgumentException("token " + token + " is outside the vocabulary of " + vocabSize);
    }
    if (window != null) {
      window.add(token);
    }
  }

  /** {@link #accept} for each of {@code tokens}. */
  public void acceptAll(int[] tokens) {
    for (int token : tokens) {
      accept(token);
    }
  }

  /**
   * Picks the next token. Does not record it: call {@link #accept} with the token the sequence keeps.
   *
   * @param logits the model's output for this step, one per vocabulary entry; not modified
   * @throws IllegalArgumentException if the length is wrong or no token has a finite logit
   */
  public int sample(float[] logits) {
    prepare(logits);
    if (params.isGreedy()) {
      return argmax();
    }
    truncate();
    return draw(params.temperature());
  }

  /** The tokens the draw would choose among for these logits, in the order it visits them. For tests. */
  int[] candidatesFor(float[] logits) {
    prepare(logits);
    truncate();
    return Arrays.copyOf(candidates, size);
  }

  /** The logits after bias and penalties. For tests. */
  float[] adjustedLogits(float[] logits) {
    prepare(logits);
    return work.clone();
  }

  private void truncate() {
    size = vocabSize;
    sorted = false;
    for (int i = 0; i < vocabSize; i++) {
      candidates[i] = i;
    }
    if (params.topK() > 0 && params.topK() < vocabSize) {
      topK(params.topK());
    }
    if (params.topP() < 1f) {
      topP(params.topP());
    }
    if (params.minP() > 0f) {
      minP(params.minP());
    }
  }

  /** Copies the logits (NaN counts as -infinity), masks what the constraint forbids, then applies the bias and the penalties. */
  private void prepare(float[] logits) {
    if (logits.length != vocabSize) {
      throw new IllegalArgumentException("expected " + vocabSize + " logits, got " + logits.length);
    }
    for (int i = 0; i < vocabSize; i++) {
      float l = logits[i];
      work[i] = Float.isNaN(l) ? Float.NEGATIVE_INFINITY : l;
    }
    if (constraint != null) {
      constraint.allowedTokens(allowed);
      for (int w = 0; w < allowed.length; w++) {
        long bits = allowed[w];
        if (bits == -1L) {
          continue;
        }
        int base = w << 6;
        int end = Math.min(64, vocabSize - base);
        for (int b = 0; b < end; b++) {
          if ((bits >>> b & 1) == 0) {
            work[base + b] = Float.NEGATIVE_INFINITY;
          }
        }
      }
    }
    for (int b = 0; b < biasIds.length; b++) {
      work[biasIds[b]] += biasValues[b];
    }
    if (window != null) {
      window.apply(work, params.repeatPenalty(), params.presencePenalty(), params.frequencyPenalty());
    }
  }

  private int argmax() {
    int best = 0;
    for (int i = 1; i < vocabSize; i++) {
      if (work[i] > work[best]) {
        best = i;
      }
    }
    if (work[best] == Float.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("no token has a finite logit");
    }
    return best;
  }

  private void topK(int k) {
    size = TopSelection.select(work, candidates, size, k, spare);
    swap();
    sorted = true;
  }

  /**
   * llama.cpp's top-p: softmax over the current candidates, then the shortest best-first prefix whose
   * probability reaches p (always at least one token).
   */
  private void topP(float p) {
    double max = maxLogit();
    double total = 0;
    for (int i = 0; i < size; i++) {
      double w = Math.exp(work[candidates[i]] - max);
      weights[i] = w;
      total += w;
    }
    double target = p * total;
    if (sorted) {
      double cumulative = 0;
      for (int i = 0; i < size; i++) {
        cumulative += weights[i];
        if (cumulative >= target) {
          size = i + 1;
          return;
        }
      }
      return; // rounding left the sum a hair short of p: everything stays
    }
    topPUnsorted(max, target);
  }

  /**
   * Top-p without sorting the vocabulary: a histogram of the logits (in buckets below the maximum) finds
   * the bucket where the running probability reaches p; every token in a higher bucket is kept without
   * further work, and only that one bucket is sorted to find the exact cut.
   */
  private void topPUnsorted(double max, double target) {
    Arrays.fill(bucketMass, 0);
    for (int i = 0; i < size; i++) {
      bucketMass[bucket(work[candidates[i]], max)] += weights[i];
    }
    double before = 0;
    int edgeBucket = 0;
    while (edgeBucket < BUCKETS - 1 && before + bucketMass[edgeBucket] < target) {
      before += bucketMass[edgeBucket];
      edgeBucket++;
    }
    // Keep every token above the edge bucket; gather the edge bucket's tokens to sort them.
    int kept = 0;
    int edgeCount = 0;
    for (int i = 0; i < size; i++) {
      int id = candidates[i];
      int b = bucket(work[id], max);
      if (b < edgeBucket) {
        candidates[kept++] = id;
      } else if (b == edgeBucket) {
        spare[edgeCount++] = id;
      }
    }
    int ranked = TopSelection.select(work, spare, edgeCount, edgeCount, edge);
    double cumulative = before;
    for (int i = 0; i < ranked; i++) {
      candidates[kept++] = edge[i];
      cumulative += Math.exp(work[edge[i]] - max);
      if (cumulative >= target) {
        break;
      }
    }
    size = Math.max(kept, 1);
    sorted = false;
  }

  /** Buckets of equal width in logit below the maximum; everything further down shares the last one. */
  private static int bucket(float logit, double max) {
    double below = max - logit;
    return below >= BUCKET_RANGE ? BUCKETS - 1 : (int) (below * (BUCKETS / BUCKET_RANGE));
  }

  /** llama.cpp's min-p: keep tokens with probability at least minP times the best one's. */
  private void minP(float minP) {
    // In float, as llama.cpp computes it, so a token exactly at the bound is kept.
    float threshold = (float) maxLogit() + (float) Math.log(minP);
    int kept = 0;
    for (int i = 0; i < size; i++) {
      int id = candidates[i];
      if (work[id] >= threshold) {
        candidates[kept++] = id; // a stable compaction keeps a sorted set sorted
      }
    }
    size = Math.max(kept, 1);
  }

  /** Samples from softmax(logits / temperature) over the candidates. */
  private int draw(float temperature) {
    double max = maxLogit();
    if (max == Double.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException("no token has a finite logit");
    }
    double total = 0;
    for (int i = 0; i < size; i++) {
      double w = Math.exp((work[candidates[i]] - max) / temperature);
      weights[i] = w;
      total += w;
    }
    double target = random.nextDouble() * total;
    double cumulative = 0;
    int last = candidates[0];
    for (int i = 0; i < size; i++) {
      if (weights[i] > 0) {
        cumulative += weights[i];
        last = candidates[i];
        if (cumulative > target) {
          return last;
        }
      }
    }
    return last;
  }

  private double maxLogit() {
    if (sorted && size > 0) {
      return work[candidates[0]];
    }
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < size; i++) {
      max = Math.max(max, work[candidates[i]]);
    }
    return max;
  }

  private void swap() {
    int[] t = candidates;
    candidates = spare;
    spare = t;
  }
}
