package dev.jllm.runtime.model;

import dev.jllm.runtime.kv.KvRows;
import dev.jllm.runtime.kv.SequenceCache;

/**
 * The tokens of one micro-batch as the layers see them: how many, each one's sequence cache and position, and how
 * the cache's rows are stored and read ({@code rows}, of the cache's type). The activations themselves are in
 * {@link ForwardBuffers}.
 */
record Step(int n, SequenceCache[] seqs, int[] positions, KvRows rows) {
}
