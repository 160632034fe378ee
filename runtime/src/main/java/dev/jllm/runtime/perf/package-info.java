/**
 * Speed measurement of a loaded model as llama-bench does it ({@link dev.jllm.runtime.perf.ModelBench}: pp =
 * a prompt in one batch, tg = tokens one at a time), behind {@code jllm bench} and the bench module.
 */
package dev.jllm.runtime.perf;
