package dev.jllm.runtime.sampling;

/**
 * Picks the k highest-scoring token ids without sorting the whole vocabulary: one pass with a bounded
 * heap (O(n log k)), then a sort of just those k. Order is by score, highest first, and by lower id
 * among equal scores, so every run visits candidates in the same order.
 *
 * <p>Allocation-free: callers pass the output and heap arrays.
 */
final class TopSelection {

  private TopSelection() {}

  /**
   * Writes the best {@code k} of {@code ids[0..n)} (scored by {@code scores[id]}) into {@code out[0..k)},
   * best first, and returns how many were written ({@code min(k, n)}). {@code ids} may be null to mean
   * the ids 0..n-1. {@code out} must not be {@code ids}.
   */
  static int select(float[] scores, int[] ids, int n, int k, int[] out) {
    int kept = Math.min(k, n);
    if (kept <= 0) {
      return 0;
    }
    // out[0..size) is a heap with the worst kept id at the root.
    int size = 0;
    for (int i = 0; i < n; i++) {
      int id = ids == null ? i : ids[i];
      if (size < kept) {
        out[size] = id;
        siftUp(scores, out, size);
        size++;
      } else if (better(scores, id, out[0])) {
        out[0] = id;
        siftDown(scores, out, 0, size);
      }
    }
    // Heap sort: move the worst to the end each time, leaving the best first.
    for (int end = size - 1; end > 0; end--) {
      int worst = out[0];
      out[0] = out[end];
      out[end] = worst;
      siftDown(scores, out, 0, end);
    }
    return size;
  }

  /** Whether token a ranks above token b: higher score, or the lower id on a tie. */
  static boolean better(float[] scores, int a, int b) {
    float sa = scores[a];
    float sb = scores[b];
    return sa > sb || (sa == sb && a < b);
  }

  private static void siftUp(float[] scores, int[] heap, int i) {
    int id = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!better(scores, heap[parent], id)) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = id;
  }

  private static void siftDown(float[] scores, int[] heap, int i, int size) {
    int id = heap[i];
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && better(scores, heap[child], heap[child + 1])) {
        child++;
      }
      if (!better(scores, id, heap[child])) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = id;
  }
}
