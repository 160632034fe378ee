package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;

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

    public ChatCompletion {
        choices = choices == null ? List.of() : List.copyOf(choices);
    }

    /** The text of the first choice, or "" when there is none. */
    public String text() {
        return choices.isEmpty() || choices.getFirst().message() == null ? "" : choices.getFirst().message().text();
    }
}
