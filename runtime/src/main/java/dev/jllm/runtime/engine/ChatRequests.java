package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ToolChoice;
import dev.jllm.runtime.sampling.SamplingParams;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a chat request against what the local engine can honour and turns its sampling fields into
 * {@link GenerationOptions}. A field the engine cannot honour is refused, naming it, never silently ignored.
 */
final class ChatRequests {
    private ChatRequests() {
    }

    static GenerationOptions options(ChatCompletionRequest r, int vocabSize) {
        return options(r, vocabSize, SamplingParams.defaults());
    }

    /** As above, starting from the model's own sampling defaults (an HF generation_config.json) for unset fields. */
    static GenerationOptions options(ChatCompletionRequest r, int vocabSize, SamplingParams modelDefaults) {
        if (r.n() != null && r.n() < 1) {
            throw invalid("n", "must be at least 1, got " + r.n());
        }
        // response_format, grammar, json_schema and a forced tool_choice are constrained decoding: StructuredOutput.
        if (r.toolChoice() instanceof ToolChoice.Mode m
                && !Set.of("auto", "none", "required").contains(m.mode())) {
            throw invalid("tool_choice", "must be auto, none, required or a function, got '" + m.mode() + "'");
        }
        Integer max = r.effectiveMaxTokens();
        if (max != null && max < 1) {
            throw invalid(r.maxCompletionTokens() != null ? "max_completion_tokens" : "max_tokens", "must be at least 1, got " + max);
        }
        SamplingParams p = modelDefaults;
        if (r.temperature() != null) {
            p = p.withTemperature(range("temperature", r.temperature(), 0, 2));
        }
        if (r.topP() != null) {
            p = p.withTopP(range("top_p", r.topP(), 0, 1));
        }
        if (r.topK() != null) {
            if (r.topK() < 0) {
                throw invalid("top_k", "must be 0 (off) or positive, got " + r.topK());
            }
            p = p.withTopK(r.topK());
        }
        if (r.minP() != null) {
            p = p.withMinP(range("min_p", r.minP(), 0, 1));
        }
        if (r.repeatPenalty() != null) {
            if (!(r.repeatPenalty() > 0) || r.repeatPenalty().isInfinite()) {
                throw invalid("repeat_penalty", "must be a positive number, got " + r.repeatPenalty());
            }
            p = p.withRepeatPenalty(r.repeatPenalty().floatValue());
        }
        if (r.presencePenalty() != null) {
            p = p.withPresencePenalty(range("presence_penalty", r.presencePenalty(), -2, 2));
        }
        if (r.frequencyPenalty() != null) {
            p = p.withFrequencyPenalty(range("frequency_penalty", r.frequencyPenalty(), -2, 2));
        }
        if (r.seed() != null) {
            p = p.withSeed(r.seed());
        }
        if (r.stop() != null) {
            List<String> stops = r.stop().stream().filter(s -> s != null && !s.isEmpty()).toList();
            p = p.withStop(stops);
        }
        if (r.logitBias() != null && !r.logitBias().isEmpty()) {
            Map<Integer, Float> bias = new HashMap<>();
            for (Map.Entry<String, Double> e : r.logitBias().entrySet()) {
                int id;
                try {
                    id = Integer.parseInt(e.getKey().strip());
                } catch (NumberFormatException ex) {
                    throw invalid("logit_bias", "keys must be token ids, got '" + e.getKey() + "'");
                }
                if (id < 0 || id >= vocabSize) {
                    throw invalid("logit_bias", "token id " + id + " is outside the vocabulary (0.." + (vocabSize - 1) + ")");
                }
                double v = e.getValue() == null ? 0 : e.getValue();
                if (v < -100 || v > 100) {
                    throw invalid("logit_bias", "values must be between -100 and 100, got " + v);
                }
                // As OpenAI documents: -100 bans a token.
                bias.put(id, v <= -100 ? Float.NEGATIVE_INFINITY : (float) v);
            }
            p = p.withLogitBias(bias);
        }
        int top = -1;
        if (Boolean.TRUE.equals(r.logprobs())) {
            top = r.topLogprobs() == null ? 0 : r.topLogprobs();
            if (top < 0 || top > 20) {
                throw invalid("top_logprobs", "must be between 0 and 20, got " + top);
            }
        } else if (r.topLogprobs() != null) {
            throw invalid("top_logprobs", "needs logprobs: true");
        }
        return new GenerationOptions(max == null ? 0 : max, p, top);
    }

    private static float range(String field, double v, double lo, double hi) {
        if (Double.isNaN(v) || v < lo || v > hi) {
            throw invalid(field, "must be between " + fmt(lo) + " and " + fmt(hi) + ", got " + v);
        }
        return (float) v;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    static LlmException invalid(String field, String message) {
        return LlmException.invalidParam(field, message);
    }
}
