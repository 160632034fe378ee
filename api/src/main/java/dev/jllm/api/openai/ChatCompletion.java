package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;
import java.util.UUID;

/** A whole (non-streamed) chat completion; {@code object} is "chat.completion". */
public record ChatCompletion(
        String id,
        String object,
        long created,
        String model,
        @JsonbProperty("system_fingerprint") String systemFingerprint,
        List<Choice> choices,
        Usage usage) {

    public static final String OBJECT = "chat.completion";

    /** A fresh completion id in OpenAI's form ({@code chatcmpl-} and 32 hex digits), as every engine makes one. */
    public static String newId() {
        return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    }

    /** The {@code created} stamp for a completion made now: whole seconds since the epoch. */
    public static long createdNow() {
        return System.currentTimeMillis() / 1000;
    }

    public ChatCompletion {
        choices = choices == null ? List.of() : List.copyOf(choices);
    }

    /** The text of the first choice, or "" when there is none. */
    public String text() {
        return choices.isEmpty() || choices.getFirst().message() == null ? "" : choices.getFirst().message().text();
    }
}
