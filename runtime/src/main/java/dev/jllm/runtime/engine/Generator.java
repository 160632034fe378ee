package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.runtime.kv.ContextOverflowException;
import dev.jllm.runtime.kv.KvCache;
import dev.jllm.runtime.kv.KvCacheFullException;
import dev.jllm.runtime.model.Batch;
import dev.jllm.runtime.model.LlamaModel;
import dev.jllm.runtime.sampling.Logprobs;
import dev.jllm.runtime.sampling.Sampler;
import dev.jllm.runtime.sampling.StopMatcher;
import dev.jllm.runtime.tokenizer.StreamingDecoder;

import java.util.Arrays;

/**
 * Runs one sequence: evaluates the prompt in one batch, then samples and feeds back one token at a time,
 * turning tokens into text (whole characters only), holding back what could start a stop string, and ending
 * on an end-of-generation token, a stop string, the token limit or the end of the context.
 *
 * <p>Each generation has its own KV cache; forward passes of concurrent generations on one model take turns.
 */
public final class Generator {
    private Generator() {
    }

    /**
     * @throws LlmException CONTEXT_LENGTH_EXCEEDED when the prompt leaves no room to generate,
     *                      UNAVAILABLE when the KV cache memory budget is exhausted
     */
    public static GenerationResult generate(LocalModel model, int[] prompt, GenerationOptions options,
                                            TokenListener listener) {
        int ctx = model.contextSize();
        if (prompt.length == 0) {
            throw LlmException.invalid("the prompt is empty (no tokens)");
        }
        if (prompt.length >= ctx) {
            throw new LlmException(LlmException.Kind.CONTEXT_LENGTH_EXCEEDED, "the prompt has " + prompt.length
                    + " tokens but the context holds " + ctx + ", leaving no room to generate: shorten the prompt or raise the context size");
        }
        int limit = ctx - prompt.length;
        if (options.maxTokens() > 0) {
            limit = Math.min(limit, options.maxTokens());
        }
        LlamaModel net = model.network();
        long budget = Runtime.getRuntime().maxMemory() / 2;
        KvCache kv = net.newKvCache(ctx, budget);
        Sampler sampler = new Sampler(options.sampling(), net.config().vocabSize());
        sampler.acceptAll(prompt);
        StopMatcher stop = new StopMatcher(options.sampling().stop(), model.endOfGenerationTokens());
        StreamingDecoder decoder = model.tokenizer().newStreamingDecoder();
        StringBuilder text = new StringBuilder();
        int[] tokens = new int[Math.min(limit, 1024)];
        int n = 0;
        FinishReason finish = FinishReason.LENGTH;
        long t0 = System.nanoTime();
        long promptNanos = 0;
        try {
            float[] logits = net.forward(Batch.ofPrompt(prompt, 0, 0), kv).get(prompt.length - 1);
            promptNanos = System.nanoTime() - t0;
            while (true) {
                if (Thread.currentThread().isInterrupted()) {
                    finish = FinishReason.CANCELLED;
                    break;
                }
                int token = sampler.sample(logits);
                sampler.accept(token);
                Logprobs lp = options.topLogprobs() >= 0 ? Logprobs.of(logits, token, options.topLogprobs()) : null;
                StopMatcher.Emission e;
                if (model.endOfGenerationTokens().contains(token)) {
                    e = stop.onToken(token, "");
                } else {
                    if (n == tokens.length) {
                        tokens = Arrays.copyOf(tokens, tokens.length * 2);
                    }
                    tokens[n++] = token;
                    e = stop.onText(decoder.accept(token));
                }
                text.append(e.text());
                if (!listener.onToken(e.text(), token, lp)) {
                    finish = FinishReason.CANCELLED;
                    break;
                }
                if (e.stopped()) {
                    finish = FinishReason.STOP;
                    break;
                }
                if (n >= limit) {
                    // Out of tokens: what was held back (bytes of a character, a possible stop) is output after all.
                    String rest = stop.onText(decoder.finish()).text() + stop.flush();
                    if (!rest.isEmpty()) {
                        text.append(rest);
                        listener.onToken(rest, token, null);
                    }
                    finish = FinishReason.LENGTH;
                    break;
                }
                logits = net.forward(new Batch(1).add(token, prompt.length + n - 1, 0, true), kv).get(0);
            }
        } catch (KvCacheFullException e) {
            throw new LlmException(LlmException.Kind.UNAVAILABLE, "out of KV cache memory: " + e.getMessage(), e);
        } catch (ContextOverflowException e) {
            throw new LlmException(LlmException.Kind.CONTEXT_LENGTH_EXCEEDED, e.getMessage(), e);
        } finally {
            kv.clear();
        }
        long decodeNanos = System.nanoTime() - t0 - promptNanos;
        return new GenerationResult(prompt, Arrays.copyOf(tokens, n), text.toString(), finish, promptNanos, decodeNanos);
    }
}
