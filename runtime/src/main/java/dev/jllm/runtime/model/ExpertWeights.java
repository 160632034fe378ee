package dev.jllm.runtime.model;

import dev.jllm.runtime.tensor.WeightTensor;

/**
 * The routed experts of one MoE layer: the router ({@code ffn_gate_inp}, one row per expert) and each expert's
 * SwiGLU matrices, views of the slices of the 3-D {@code ffn_{gate,up,down}_exps} tensors (expert {@code e} is
 * the {@code e}-th {@code rows x cols} slab, in the file's weight type).
 */
record ExpertWeights(WeightTensor router, WeightTensor[] gate, WeightTensor[] up, WeightTensor[] down) {

    int count() {
        return up.length;
    }
}
