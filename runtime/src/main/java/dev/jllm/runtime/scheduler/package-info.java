/**
 * Continuous batching: one {@link dev.jllm.runtime.scheduler.Scheduler} per loaded model runs all of its
 * generations on one thread, one forward pass per step for every running sequence (weights read once per step).
 *
 * <pre>{@code
 * SequenceHandle h = scheduler.submit(new SequenceRequest(promptIds, SamplingParams.greedy(), 64, -1));
 * for (SequenceEvent e = h.next(); ; e = h.next()) {
 *     switch (e) {
 *         case SequenceEvent.Token t -> System.out.print(t.text());
 *         case SequenceEvent.Finished f -> { return f.outcome(); }   // tokens, finish reason, cached tokens, timings
 *         case SequenceEvent.Failed f -> throw f.error();
 *     }
 * }
 * // h.cancel() frees the slot before the next step
 * }</pre>
 *
 * <p>The choices of one request ({@code n} > 1) are submitted with one shared
 * {@link dev.jllm.runtime.scheduler.SequenceInbox}, read by one thread; the inbox is the only queue between the
 * scheduler's thread and a reader, and the only place a slow reader slows its sequences down.
 *
 * <p>{@link dev.jllm.runtime.scheduler.SchedulerConfig} sets the slots, the bounded queue (beyond it: RATE_LIMITED
 * at once), the tokens per step (prompts are evaluated in chunks between decode steps), the context per
 * sequence and the KV memory budget. Finished sequences stay in the KV cache as reusable prefixes
 * ({@link dev.jllm.runtime.kv.PrefixCache}, least recently used evicted first); a newcomer shares the pages of the
 * longest matching prefix, finished or running. The model's batch-independent logits make every result identical
 * to a lone, unchunked, uncached run.
 */
package dev.jllm.runtime.scheduler;
