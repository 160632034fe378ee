package dev.jllm.runtime.sampling;

import java.util.Arrays;

/**
 * The recent tokens the repetition penalties look at, with a running count per token so applying the
 * penalties costs O(window), not O(vocabulary).
 */
final class PenaltyWindow {

  private final int capacity; // -1: unbounded
  private final int[] counts;
  private final int[] appliedAt; // the step a token was last penalised in, to penalise each once
  private int[] ring;
  private int start;
  private int size;
  private int step;

  /** @param lastN how many recent tokens to keep, or -1 for all of them */
  PenaltyWindow(int lastN, int vocabSize) {
    this.capacity = lastN;
    this.counts = new int[vocabSize];
    this.appliedAt = new int[vocabSize];
    this.ring = new int[lastN > 0 ? lastN : 256];
  }

  void add(int token) {
    if (capacity > 0 && size == capacity) {
      int evicted = ring[start];
      counts[evicted]--;
      ring[start] = token;
      start = (start + 1) % capacity;
    } else {
      if (size == ring.length) {
        ring = Arrays.copyOf(ring, ring.length * 2);
      }
      ring[(start + size) % ring.length] = token;
      size++;
    }
    counts[token]++;
  }

  /**
   * llama.cpp's penalties on each distinct token in the window: the repeat penalty divides a positive
   * logit and multiplies a non-positive one (dividing would make a negative logit likelier), then
   * {@code count * frequency + presence} is subtracted.
   */
  void apply(float[] logits, float repeat, float presence, float frequency) {
    step++;
    if (step == Integer.MAX_VALUE) {
      Arrays.fill(appliedAt, 0);
      step = 1;
    }
    for (int i = 0; i < size; i++) {
      int token = ring[(start + i) % ring.length];
      if (appliedAt[token] == step) {
        continue;
      }
      appliedAt[token] = step;
      int count = counts[token];
      float logit = logits[token];
      logit = logit <= 0 ? logit * repeat : logit / repeat;
      logits[token] = logit - count * frequency - presence;
    }
  }

  int size() {
    return size;
  }
}
