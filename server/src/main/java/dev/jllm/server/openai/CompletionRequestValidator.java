package dev.jllm.server.openai;

import dev.jllm.api.contract.OpenAiRules;
import dev.jllm.api.openai.CompletionRequest;
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
 * Checks a legacy {@code /v1/completions} body. What maps onto a raw completion ({@code Llm.complete}) is passed
 * on; what cannot be done through one (several prompts, token-id prompts, suffix, best_of above n, echo with logprobs)
 * is refused with a 400 naming the member, never ignored.
 */
public final class CompletionRequestValidator {

    /** OpenAI's default for this endpoint (chat completions have none). */
    static final int DEFAULT_MAX_TOKENS = 16;

    private CompletionRequestValidator() { }

    public static LegacyCompletion parse(JsonObject body) {
        return parse(JsonFields.of(body));
    }

    /** Checks a body nested in another document (a job's params). */
    public static LegacyCompletion parse(JsonFields f) {
        f.allowOnly(OpenAiRules.COMPLETION_FIELDS);
        String model = f.string("model");
        String prompt = prompt(f);
        if (f.has("suffix")) {
            throw ApiException.invalid("'suffix' (insertion) is not supported", "suffix");
        }
        Integer maxTokens = f.integer(OpenAiRules.MAX_TOKENS);
        Integer nPredict = LlamaServerFields.check(f);
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
        boolean streamed = Boolean.TRUE.equals(stream);
        // A stream always asks the instance for usage: the server reports it when the client asked for it.
        CompletionRequest request = new CompletionRequest(model, prompt,
                maxTokens != null ? maxTokens : nPredict != null ? nPredict : DEFAULT_MAX_TOKENS, temperature, topP, n, stopList(f.value("stop")),
                seed, presence, frequency, logitBias(f.objectMember("logit_bias")), logprobs, streamed,
                streamed ? StreamOptions.INCLUDE_USAGE : null, user, topK, minP, repeat, f.string("grammar"),
                jsonSchema(f.objectMember("json_schema")));
        return new LegacyCompletion(model, prompt, echo, logprobs, streamed, includeUsage, request);
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
