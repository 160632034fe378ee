/**
 * The F32 key/value cache: {@link dev.jllm.runtime.kv.KvCache} holds any number of sequences
 * ({@link dev.jllm.runtime.kv.SequenceCache}), each growing page by page up to the context length, all
 * within a memory budget. Overflow is explicit ({@link dev.jllm.runtime.kv.ContextOverflowException},
 * {@link dev.jllm.runtime.kv.KvCacheFullException}), never silent truncation. Sequences can be dropped and
 * truncated (prefix reuse).
 */
package dev.jllm.runtime.kv;
