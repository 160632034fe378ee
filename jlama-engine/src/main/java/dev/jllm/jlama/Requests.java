package dev.jllm.jlama;

import dev.jllm.api.LlmException;
import dev.jllm.api.contract.OpenAiRules;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ToolChoice;

import java.util.List;

/**
 * Checks a chat request against what a jlama instance can honour and reads its generation options. A field it
 * cannot honour is refused by name (a 400), never silently ignored.
 */
final class Requests {

    private Requests() { }

    static Generation.Options options(ChatCompletionRequest r) {
        if (r.n() != null && r.n() != 1) {
            throw invalid("n", "only n = 1 is supported by jlama instances, got " + r.n());
        }
        if (r.responseFormat() != null && r.responseFormat().type() != null
                && !"text".equals(r.responseFormat().type())) {
            throw invalid("response_format", "type '" + r.responseFormat().type()
                    + "' is not supported by jlama instances (only 'text')");
        }
        if (r.tools() != null && !r.tools().isEmpty()) {
            throw invalid("tools", "jlama instances do not support tools");
        }
        if (r.toolChoice() != null && !(r.toolChoice() instanceof ToolChoice.Mode m
                && ("auto".equals(m.mode()) || "none".equals(m.mode())))) {
            throw invalid("tool_choice", "jlama instances do not support tools");
        }
        if (Boolean.TRUE.equals(r.logprobs()) || r.topLogprobs() != null) {
            throw invalid(r.topLogprobs() != null ? "top_logprobs" : "logprobs",
                    "jlama instances do not report log probabilities");
        }
        if (r.logitBias() != null && !r.logitBias().isEmpty()) {
            throw invalid("logit_bias", "not supported by jlama instances");
        }
        if (r.presencePenalty() != null && r.presencePenalty() != 0) {
            throw invalid("presence_penalty", "not supported by jlama instances (only 0)");
        }
        if (r.frequencyPenalty() != null && r.frequencyPenalty() != 0) {
            throw invalid("frequency_penalty", "not supported by jlama instances (only 0)");
        }
        if (r.repeatPenalty() != null && r.repeatPenalty() != 1) {
            throw invalid("repeat_penalty", "not supported by jlama instances (only 1)");
        }
        Integer max = r.effectiveMaxTokens();
        if (max != null) {
            (r.maxCompletionTokens() != null ? OpenAiRules.MAX_COMPLETION_TOKENS : OpenAiRules.MAX_TOKENS).check(max);
        }
        Sampling d = Sampling.DEFAULTS;
        float temperature = r.temperature() == null ? d.temperature() : (float) OpenAiRules.TEMPERATURE.check(r.temperature());
        float topP = r.topP() == null ? d.topP() : (float) OpenAiRules.TOP_P.check(r.topP());
        float minP = r.minP() == null ? d.minP() : (float) OpenAiRules.MIN_P.check(r.minP());
        int topK = d.topK();
        if (r.topK() != null) {
            topK = OpenAiRules.TOP_K.check(r.topK());
        }
        List<String> stop = r.stop() == null ? List.of() : r.stop().stream().filter(s -> s != null && !s.isEmpty()).toList();
        return new Generation.Options(max == null ? 0 : max, new Sampling(temperature, topK, topP, minP, r.seed()), stop);
    }

    private static LlmException invalid(String field, String message) {
        return LlmException.invalidParam(field, message);
    }
}
