package dev.jllm.server.openai;

import dev.jllm.api.contract.OpenAiRules;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.StreamOptions;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a legacy {@code /v1/completions} body. What maps onto a raw-prompt chat request is passed on; what
 * cannot be done through one (several prompts, token-id prompts, suffix, best_of above n, echo with logprobs)
 * is refused with a 400 naming the member, never ignored.
 */
public final class CompletionRequestValidator {

    /** OpenAI's default for this endpoint (chat completions have none). */
    static final int DEFAULT_MAX_TOKENS = 16;

    private CompletionRequestValidator() { }

    public static CompletionRequest parse(JsonObject body) {
        JsonFields f = JsonFields.of(body);
        f.allowOnly(OpenAiRules.COMPLETION_FIELDS);
        String model = f.string("model");
        String prompt = prompt(f);
        if (f.has("suffix")) {
            throw ApiException.invalid("'suffix' (insertion) is not supported", "suffix");
        }
        Integer maxTokens = f.integer(OpenAiRules.MAX_TOKENS);
        Double temperature = f.number(OpenAiRules.TEMPERATURE);
        Double topP = f.number(OpenAiRules.TOP_P);
        Integer n = f.integer(OpenAiRules.N);
        Boolean stream = f.bool("stream");
        JsonFields so = f.nested("stream_options");
        boolean includeUsage = false;
        if (so != null) {
            if (!Boolean.TRUE.equals(stream)) {
                throw ApiException.invalid("'stream_options' is only allowed when 'stream' is true", "stream_options");
            }
            so.allowOnly(Set.of("include_usage"));
            includeUsage = Boolean.TRUE.equals(so.bool("include_usage"));
        }
        Integer logprobs = f.integer(OpenAiRules.COMPLETION_LOGPROBS);
        boolean echo = Boolean.TRUE.equals(f.bool("echo"));
        if (echo && logprobs != null) {
            throw ApiException.invalid("'echo' with 'logprobs' would need the prompt's log probabilities, which"
                    + " are not supported", "echo");
        }
        ChatRequestValidator.stop(f, "stop");
        Double presence = f.number(OpenAiRules.PRESENCE_PENALTY);
        Double frequency = f.number(OpenAiRules.FREQUENCY_PENALTY);
        Integer bestOf = f.integer(OpenAiRules.N.named("best_of"));
        if (bestOf != null && bestOf != (n == null ? 1 : n)) {
            throw ApiException.invalid("'best_of' other than n (choosing the best of several answers) is not"
                    + " supported", "best_of");
        }
        ChatRequestValidator.logitBias(f);
        String user = f.string("user");
        Long seed = f.longInteger("seed", Long.MIN_VALUE, Long.MAX_VALUE);
        Integer topK = f.integer(OpenAiRules.TOP_K);
        Double minP = f.number(OpenAiRules.MIN_P);
        Double repeat = f.number(OpenAiRules.REPEAT_PENALTY);
        ChatRequestValidator.constraints(f);
        ChatCompletionRequest.Builder chat = ChatCompletionRequest.builder()
                .messages(List.of(RawPrompt.message(prompt)))
                .maxTokens(maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens)
                .temperature(temperature).topP(topP).n(n)
                .stop(stopList(f.value("stop")))
                .presencePenalty(presence).frequencyPenalty(frequency)
                .logitBias(logitBias(f.objectMember("logit_bias")))
                .user(user).seed(seed).topK(topK).minP(minP).repeatPenalty(repeat)
                .grammar(f.string("grammar")).jsonSchema(jsonSchema(f.objectMember("json_schema")))
                .stream(Boolean.TRUE.equals(stream));
        if (logprobs != null) {
            chat.logprobs(true).topLogprobs(logprobs);
        }
        if (Boolean.TRUE.equals(stream)) {
            chat.streamOptions(StreamOptions.INCLUDE_USAGE);
        }
        return new CompletionRequest(model, prompt, echo, logprobs, Boolean.TRUE.equals(stream), includeUsage,
                chat.build());
    }

    private static String prompt(JsonFields f) {
        JsonValue v = f.value("prompt");
        if (v == null) {
            throw ApiException.invalid("'prompt' is required", "prompt");
        }
        if (v instanceof JsonString s) {
            return s.getString();
        }
        if (v instanceof JsonArray a) {
            if (a.size() == 1 && a.getFirst() instanceof JsonString s) {
                return s.getString();
            }
            if (!a.isEmpty() && a.stream().allMatch(e -> e instanceof JsonString)) {
                throw ApiException.invalid("'prompt' holds " + a.size() + " prompts; send one per request",
                        "prompt");
            }
            throw ApiException.invalid("'prompt' as token ids is not supported; send the prompt as text", "prompt");
        }
        throw f.wrongType("prompt", "a string", v);
    }

    private static List<String> stopList(JsonValue v) {
        if (v == null) {
            return null;
        }
        if (v instanceof JsonString s) {
            return List.of(s.getString());
        }
        List<String> out = new ArrayList<>();
        for (JsonValue e : (JsonArray) v) {
            out.add(((JsonString) e).getString());
        }
        return out;
    }

    /** The schema as plain maps and lists, as JSON-B binds it in a chat request. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> jsonSchema(JsonObject o) {
        return o == null ? null : dev.jllm.api.json.Json.fromJson(o.toString(), Map.class);
    }

    private static Map<String, Double> logitBias(JsonObject o) {
        if (o == null) {
            return null;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        o.forEach((k, v) -> m.put(k, ((jakarta.json.JsonNumber) v).doubleValue()));
        return m;
    }
}
