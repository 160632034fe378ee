/**
 * The key/value cache, in F32, F16 or Q8_0 ({@link dev.jllm.runtime.kv.KvType}, stored and read by
 * {@link dev.jllm.runtime.kv.KvRows}): {@link dev.jllm.runtime.kv.KvCache} holds any number of sequences
 * ({@link dev.jllm.runtime.kv.SequenceCache}), each growing page by page up to the context length, all
 * within a memory budget. Overflow is explicit ({@link dev.jllm.runtime.kv.ContextOverflowException},
 * {@link dev.jllm.runtime.kv.KvCacheFullException}), never silent truncation. Sequences can be dropped and
 * truncated (prefix reuse).
 */
package dev.jllm.runtime.kv;
