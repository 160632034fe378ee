/**
 * {@link dev.jllm.runtime.parallel.WorkerPool}: persistent threads (no thread creation per call) that split
 * a range of independent items, such as matmul rows or attention heads, into contiguous parts, one per
 * thread. Each item is computed whole by one thread, so results do not depend on the thread count.
 * {@link dev.jllm.runtime.parallel.RowClaims} hands a matmul's rows out in chunks instead, each thread's own part
 * first, so that a thread the host runs late has its tail taken over by the others.
 */
package dev.jllm.runtime.parallel;
