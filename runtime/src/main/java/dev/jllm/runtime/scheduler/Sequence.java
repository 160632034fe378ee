package dev.jllm.runtime.scheduler;

import dev.jllm.api.text.StopMatcher;
import dev.jllm.runtime.sampling.Logprobs;
import dev.jllm.runtime.sampling.Sampler;
import dev.jllm.runtime.sampling.grammar.GrammarMatcher;
import dev.jllm.runtime.tokenizer.StreamingDecoder;

import java.util.Arrays;
import java.util.Set;

/**
 * One request inside the scheduler: its tokens, how many of them the KV cache holds, and the per-token work
 * after each step (sample, turn tokens into text, hold back what could start a stop string, decide the end).
 *
 * <p>A sequence is a list of tokens to evaluate, the {@code history}: the prompt, then each sampled token. Each
 * step evaluates some of the tokens the cache does not hold yet ({@code history[kvLength, length)}); the step
 * that reaches the last one yields logits and the next token. A prompt is so evaluated in chunks, a running
 * sequence one token per step, and a sequence whose cache was dropped (preempted) simply evaluates its whole
 * history again, with bit-identical results.
 *
 * <p>Used by the scheduler's thread only, apart from the construction on the caller's thread.
 */
final class Sequence {

    final SequenceHandle handle;
    final int[] prompt;
    final long submittedNanos;
    private final int topLogprobs;
    private final Sampler sampler;
    private final StopMatcher stop;
    private final StreamingDecoder decoder;
    private final Set<Integer> endOfGeneration;
    /** Constrained decoding: the grammar the output follows, or null. */
    private final GrammarMatcher grammar;
    private final int limit;
    private final StringBuilder text = new StringBuilder();

    private int[] history;
    private int length;
    private int[] generated = new int[16];
    private int generatedCount;

    /** The KV-cache sequence id while it holds a slot, else -1. */
    int id = -1;
    /** Positions of {@code history} the KV cache holds. */
    int kvLength;
    /** When it first got a slot, in admission order (larger = younger). */
    long admission = -1;
    private int cachedTokens = -1;
    private long admittedNanos;
    private long firstTokenNanos;
    private FinishReason finishReason;

    Sequence(SequenceHandle handle, SequenceRequest request, int contextSize, int vocabSize,
             StreamingDecoder decoder, Set<Integer> endOfGeneration, GrammarMatcher grammar) {
        this.handle = handle;
        this.grammar = grammar;
        this.prompt = request.prompt();
        this.submittedNanos = System.nanoTime();
        this.topLogprobs = request.topLogprobs();
        this.sampler = new Sampler(request.sampling(), vocabSize, grammar);
        sampler.acceptAll(prompt);
        this.stop = new StopMatcher(request.sampling().stop(), endOfGeneration);
        this.decoder = decoder;
        this.endOfGeneration = endOfGeneration;
        int room = contextSize - prompt.length;
        this.limit = request.maxTokens() > 0 ? Math.min(room, request.maxTokens()) : room;
        this.history = Arrays.copyOf(prompt, prompt.length + Math.min(limit, 256));
        this.length = prompt.length;
    }

    int[] history() {
        return history;
    }

    /** Tokens to evaluate: the prompt and the sampled tokens (the last sampled one not evaluated yet). */
    int length() {
        return length;
    }

    /** Tokens still to evaluate before the next logits. */
    int pending() {
        return length - kvLength;
    }

    boolean isFinished() {
        return finishReason != null;
    }

    /** First admission: how many prompt tokens came from the prefix cache. Later admissions (after a preemption) keep it. */
    void admitted(long order, int cached) {
        if (admission < 0) {
            admission = order;
            admittedNanos = System.nanoTime();
            cachedTokens = cached;
            handle.admitted(cached);
        }
    }

    /** Its prompt's first {@code cached} tokens were taken from another running sequence after admission. */
    void sharedPrefix(int cached) {
        cachedTokens = Math.max(cachedTokens, cached);
        handle.admitted(cachedTokens);
    }

    /** The logits after {@code history[length - 1]}: picks the next token and reports it. */
    void onLogits(float[] logits) {
        int token = sampler.sample(logits);
        sampler.accept(token);
        if (grammar != null && !grammar.acceptToken(token)) {
            throw new IllegalStateException("the sampler chose token " + token + ", which the grammar forbids");
        }
        Logprobs lp = topLogprobs >= 0 ? Logprobs.of(logits, token, topLogprobs) : null;
        if (firstTokenNanos == 0) {
            firstTokenNanos = System.nanoTime();
        }
        StopMatcher.Emission e;
        if (endOfGeneration.contains(token)) {
            e = stop.onToken(token, "");
        } else {
            addGenerated(token);
            e = stop.onText(decoder.accept(token));
        }
        text.append(e.text());
        handle.deliver(new SequenceEvent.Token(e.text(), token, lp, generatedCount));
        if (e.stopped()) {
            finish(FinishReason.STOP);
            return;
        }
        if (grammar != null && grammar.isFinished()) {
            // The grammar is complete and nothing may follow: end now rather than spend a step on the end token.
            flushHeldBack(token);
            finish(FinishReason.STOP);
            return;
        }
        if (generatedCount >= limit) {
            // Out of tokens: what was held back (bytes of a character, a possible stop) is output after all.
            flushHeldBack(token);
            finish(FinishReason.LENGTH);
            return;
        }
        if (length == history.length) {
            history = Arrays.copyOf(history, history.length * 2);
        }
        history[length++] = token;
    }

    private void flushHeldBack(int token) {
        String rest = stop.onText(decoder.finish()).text() + stop.flush();
        if (!rest.isEmpty()) {
            text.append(rest);
            handle.deliver(new SequenceEvent.Token(rest, token, null, generatedCount));
        }
    }

    void finish(FinishReason reason) {
        if (finishReason == null) {
            finishReason = reason;
        }
    }

    SequenceOutcome outcome() {
        long now = System.nanoTime();
        long admitted = admission < 0 ? now : admittedNanos;
        long first = firstTokenNanos == 0 ? now : firstTokenNanos;
        return new SequenceOutcome(prompt, Arrays.copyOf(generated, generatedCount), text.toString(),
                finishReason == null ? FinishReason.CANCELLED : finishReason, Math.max(0, cachedTokens),
                admitted - submittedNanos, first - admitted, now - first);
    }

    private void addGenerated(int token) {
        if (generatedCount == generated.length) {
            generated = Arrays.copyOf(generated, generated.length * 2);
        }
        generated[generatedCount++] = token;
    }
}
