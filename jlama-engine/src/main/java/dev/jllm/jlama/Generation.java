package dev.jllm.jlama;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.safetensors.Config;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import dev.jllm.api.LlmException;
import dev.jllm.api.text.StopMatcher;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One generation on a jlama model, token by token through jlama's forward pass (jlama's own {@code generate} can
 * be neither cancelled nor stopped early: it swallows exceptions thrown by its token callback). Each generation
 * has its own KV cache, dropped at the end.
 */
final class Generation {

    /** Where generated text goes; false = the reader went away (cancel). */
    interface Sink {
        boolean accept(String text);
    }

    /** How a generation ended: "stop" (end of generation or a stop string), "length", or "cancelled". */
    record Result(String text, String finishReason, int promptTokens, int completionTokens) {
        boolean cancelled() {
            return "cancelled".equals(finishReason);
        }
    }

    /**
     * @param maxTokens 0 = up to the context
     */
    record Options(int maxTokens, Sampling sampling, List<String> stop) {
    }

    private Generation() { }

    /** Checks that a prompt leaves room to generate. */
    static void checkPrompt(JlamaModel m, int[] prompt) {
        if (prompt.length >= m.contextSize()) {
            throw new LlmException(LlmException.Kind.CONTEXT_LENGTH_EXCEEDED, "the prompt has " + prompt.length
                    + " tokens but the context of " + m.id() + " holds " + m.contextSize() + ": shorten the conversation");
        }
    }

    /** Runs the generation; the caller holds the model's turn. */
    static Result run(JlamaModel m, int[] prompt, Options options, Sink sink, BooleanSupplier cancelled) {
        checkPrompt(m, prompt);
        AbstractModel model = m.jlama();
        Config c = model.getConfig();
        int room = m.contextSize() - prompt.length;
        int max = options.maxTokens() > 0 ? Math.min(options.maxTokens(), room) : room;
        Sampling.Sampler sampler = options.sampling().start();
        StopMatcher stops = new StopMatcher(options.stop(), Set.of()); // end of generation: c.eosTokens below
        StringBuilder text = new StringBuilder();
        int generated = 0;
        String finish = "length";
        KvBufferCache cache = new KvBufferCache(model);
        try (KvBufferCache.KvBuffer kv = cache.getEphemeralKvBuffer();
             AbstractTensor logits = model.makeDenseTensor(c.vocabularySize)) {
            if (cancelled.getAsBoolean()) {
                return new Result(text.toString(), "cancelled", prompt.length, 0);
            }
            AbstractTensor out = model.batchForward(prompt, 0, kv);
            int pos = prompt.length;
            while (true) {
                int next;
                try {
                    next = sampler.next(model, out.slice(out.shape().first() - 1), logits);
                } finally {
                    out.close();
                }
                if (c.eosTokens.contains(next)) {
                    finish = "stop";
                    break;
                }
                generated++;
                String piece = model.getTokenizer().getModel().isSpecialToken(next) ? ""
                        : model.getTokenizer().decode(next);
                StopMatcher.Emission e = stops.onText(piece);
                String visible = e.text();
                text.append(visible);
                if (!visible.isEmpty() && !sink.accept(visible) || cancelled.getAsBoolean()) {
                    return new Result(text.toString(), "cancelled", prompt.length, generated);
                }
                if (e.stopped()) {
                    finish = "stop";
                    break;
                }
                if (generated >= max) {
                    break;
                }
                out = model.forward(next, pos, kv, Optional.empty());
                pos++;
            }
            String rest = stops.flush();
            if (!rest.isEmpty()) {
                text.append(rest);
                if (!sink.accept(rest)) {
                    return new Result(text.toString(), "cancelled", prompt.length, generated);
                }
            }
            return new Result(text.toString(), finish, prompt.length, generated);
        } catch (LlmException e) {
            throw e;
        } catch (RuntimeException | Error e) {
            throw JlamaErrors.generation(m.id(), e);
        } finally {
            cache.close();
        }
    }
}
