package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;

/**
 * One streamed piece of a chat completion; {@code object} is "chat.completion.chunk". With
 * stream_options.include_usage the last chunk has an empty {@code choices} and the usage; every other chunk has
 * no usage.
 */
public record ChatCompletionChunk(
        String id,
        String object,
        long created,
        String model,
        @JsonbProperty("system_fingerprint") String systemFingerprint,
        List<ChunkChoice> choices,
        Usage usage) {

    public static final String OBJECT = "chat.completion.chunk";

    public ChatCompletionChunk {
        choices = choices == null ? List.of() : List.copyOf(choices);
    }

    /** The content pieces of all choices of this chunk, joined ("" when none). */
    public String text() {
        StringBuilder sb = new StringBuilder();
        for (ChunkChoice c : choices) {
            if (c.delta() != null && c.delta().content() != null) {
                sb.append(c.delta().content());
            }
        }
        return sb.toString();
    }
}
