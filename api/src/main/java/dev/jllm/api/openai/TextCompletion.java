package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;

/**
 * OpenAI's legacy {@code text_completion} answer (whole, or one streamed chunk of it), as an upstream server's
 * {@code /v1/completions} sends it; {@link #toChat()} and {@link #toChunk()} give it the shape every
 * {@code Llm.complete} answer has (the continuation as the message content).
 */
public record TextCompletion(String id, String object, Long created, String model, List<TextChoice> choices,
                             Usage usage) {

    /** One choice: its text and why it ended (null while a stream goes on). */
    public record TextChoice(Integer index, String text, @JsonbProperty("finish_reason") String finishReason) { }

    public ChatCompletion toChat() {
        List<Choice> out = choices == null ? List.of() : choices.stream()
                .map(c -> new Choice(index(c), ChatMessage.assistant(c.text() == null ? "" : c.text()), null,
                        c.finishReason()))
                .toList();
        return new ChatCompletion(id, ChatCompletion.OBJECT, created == null ? 0 : created, model, null, out, usage);
    }

    public ChatCompletionChunk toChunk() {
        List<ChunkChoice> out = choices == null ? List.of() : choices.stream()
                .map(c -> new ChunkChoice(index(c), c.text() == null || c.text().isEmpty() ? ChatCompletionDelta.EMPTY
                        : ChatCompletionDelta.content(c.text()), null, c.finishReason()))
                .toList();
        return new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created == null ? 0 : created, model, null, out,
                usage);
    }

    private static int index(TextChoice c) {
        return c.index() == null ? 0 : c.index();
    }
}
