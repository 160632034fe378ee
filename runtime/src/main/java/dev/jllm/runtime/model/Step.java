package dev.jllm.runtime.model;

import dev.jllm.runtime.kv.SequenceCache;

/**
 * The tokens of one micro-batch as the layers see them: how many, each one's sequence cache and position.
 * The activations themselves are in {@link ForwardBuffers}.
 */
record Step(int n, SequenceCache[] seqs, int[] positions) {
}
