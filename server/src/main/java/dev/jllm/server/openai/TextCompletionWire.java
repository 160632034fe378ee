package dev.jllm.server.openai;

import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.Choice;
import dev.jllm.api.openai.ChoiceLogprobs;
import dev.jllm.api.openai.TokenLogprob;
import dev.jllm.api.openai.TopLogprob;
import dev.jllm.api.openai.Usage;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.util.List;

/**
 * The legacy {@code text_completion} answers, made from what a raw-prompt chat request returned: the content
 * becomes {@code text}, the per-token log probabilities take the legacy layout ({@code tokens},
 * {@code token_logprobs}, {@code top_logprobs} as token-to-logprob maps, {@code text_offset}).
 */
public final class TextCompletionWire {

    static final String OBJECT = "text_completion";

    private TextCompletionWire() { }

    public static String whole(ChatCompletion c, String id, String model, String echo) {
        JsonArrayBuilder choices = Json.createArrayBuilder();
        for (Choice ch : c.choices()) {
            String text = ch.message() == null ? "" : ch.message().text();
            String prefix = echo == null ? "" : echo;
            choices.add(choice(ch.index(), prefix + text,
                    logprobs(ch.logprobs(), prefix.length()), ch.finishReason()));
        }
        JsonObjectBuilder b = head(id, c.created(), model).add("choices", choices);
        if (c.usage() != null) {
            b.add("usage", OpenAiWire.toValue(c.usage()));
        }
        return b.build().toString();
    }

    public static String chunk(String id, long created, String model, int index, String text, JsonValue logprobs,
                        String finishReason, boolean usageMember) {
        JsonObjectBuilder b = head(id, created, model)
                .add("choices", Json.createArrayBuilder().add(choice(index, text, logprobs, finishReason)));
        if (usageMember) {
            b.addNull("usage");
        }
        return b.build().toString();
    }

    public static String usageChunk(String id, long created, String model, Usage usage) {
        return head(id, created, model).add("choices", JsonValue.EMPTY_JSON_ARRAY)
                .add("usage", OpenAiWire.toValue(usage)).build().toString();
    }

    /** The legacy log probabilities of some tokens whose text starts at {@code offset}; JSON null for none. */
    public static JsonValue logprobs(ChoiceLogprobs lp, int offset) {
        if (lp == null || lp.content() == null) {
            return JsonValue.NULL;
        }
        List<TokenLogprob> tokens = lp.content();
        JsonArrayBuilder text = Json.createArrayBuilder();
        JsonArrayBuilder values = Json.createArrayBuilder();
        JsonArrayBuilder tops = Json.createArrayBuilder();
        JsonArrayBuilder offsets = Json.createArrayBuilder();
        int at = offset;
        for (TokenLogprob t : tokens) {
            text.add(t.token());
            values.add(t.logprob());
            JsonObjectBuilder top = Json.createObjectBuilder();
            if (t.topLogprobs() != null) {
                for (TopLogprob alt : t.topLogprobs()) {
                    top.add(alt.token(), alt.logprob());
                }
            }
            tops.add(top);
            offsets.add(at);
            at += t.token().length();
        }
        return Json.createObjectBuilder().add("tokens", text).add("token_logprobs", values)
                .add("top_logprobs", tops).add("text_offset", offsets).build();
    }

    private static JsonObjectBuilder head(String id, long created, String model) {
        return Json.createObjectBuilder().add("id", id).add("object", OBJECT).add("created", created)
                .add("model", model).add("system_fingerprint", SystemFingerprint.VALUE);
    }

    private static JsonObjectBuilder choice(int index, String text, JsonValue logprobs, String finishReason) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("text", text).add("index", index).add("logprobs",
                logprobs);
        if (finishReason == null) {
            b.addNull("finish_reason");
        } else {
            b.add("finish_reason", finishReason);
        }
        return b;
    }
}
