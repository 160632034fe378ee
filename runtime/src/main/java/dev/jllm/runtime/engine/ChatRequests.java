package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.api.contract.OpenAiRules;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ToolChoice;
import dev.jllm.runtime.sampling.SamplingParams;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
        if (r.n() != null) {
            OpenAiRules.N.check(r.n());
        }
        // response_format, grammar, json_schema and a forced tool_choice are constrained decoding: StructuredOutput.
        if (r.toolChoice() instanceof ToolChoice.Mode m
                && !OpenAiRules.TOOL_CHOICE_MODES.contains(m.mode())) {
            throw invalid("tool_choice", "must be auto, none, required or a function, got '" + m.mode() + "'");
        }
        Integer max = r.effectiveMaxTokens();
        if (max != null) {
            (r.maxCompletionTokens() != null ? OpenAiRules.MAX_COMPLETION_TOKENS : OpenAiRules.MAX_TOKENS).check(max);
        }
        SamplingParams p = modelDefaults;
        if (r.temperature() != null) {
            p = p.withTemperature((float) OpenAiRules.TEMPERATURE.check(r.temperature()));
        }
        if (r.topP() != null) {
            p = p.withTopP((float) OpenAiRules.TOP_P.check(r.topP()));
        }
        if (r.topK() != null) {
            p = p.withTopK(OpenAiRules.TOP_K.check(r.topK()));
        }
        if (r.minP() != null) {
            p = p.withMinP((float) OpenAiRules.MIN_P.check(r.minP()));
        }
        if (r.repeatPenalty() != null) {
            p = p.withRepeatPenalty((float) OpenAiRules.REPEAT_PENALTY.check(r.repeatPenalty()));
        }
        if (r.presencePenalty() != null) {
            p = p.withPresencePenalty((float) OpenAiRules.PRESENCE_PENALTY.check(r.presencePenalty()));
        }
        if (r.frequencyPenalty() != null) {
            p = p.withFrequencyPenalty((float) OpenAiRules.FREQUENCY_PENALTY.check(r.frequencyPenalty()));
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
                OpenAiRules.LOGIT_BIAS_VALUE.check(v);
                // As OpenAI documents: -100 bans a token.
                bias.put(id, v <= -100 ? Float.NEGATIVE_INFINITY : (float) v);
            }
            p = p.withLogitBias(bias);
        }
        int top = -1;
        if (Boolean.TRUE.equals(r.logprobs())) {
            top = r.topLogprobs() == null ? 0 : r.topLogprobs();
            OpenAiRules.TOP_LOGPROBS.check(top);
        } else if (r.topLogprobs() != null) {
            throw invalid("top_logprobs", "needs logprobs: true");
        }
        return new GenerationOptions(max == null ? 0 : max, p, top);
    }

    static LlmException invalid(String field, String message) {
        return LlmException.invalidParam(field, message);
    }
}
