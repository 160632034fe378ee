package dev.jllm.providers.testing;

import dev.jllm.api.json.Json;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionDelta;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.Choice;
import dev.jllm.api.openai.ChunkChoice;
import dev.jllm.api.openai.Usage;

import java.util.List;

/** OpenAI wire documents for the fake server to answer with. */
public final class Wire {
    private Wire() { }

    public static String completion(String model, String text) {
        return Json.toJson(new ChatCompletion("chatcmpl-1", ChatCompletion.OBJECT, 1700000000L, model, "fp_1",
                List.of(new Choice(0, ChatMessage.assistant(text), null, "stop")), Usage.of(5, 2)));
    }

    public static String chunk(String model, String text) {
        return Json.toJson(new ChatCompletionChunk("chatcmpl-1", ChatCompletionChunk.OBJECT, 1700000000L, model,
                null, List.of(new ChunkChoice(0, ChatCompletionDelta.content(text), null, null)), null));
    }

    public static String finalChunk(String model) {
        return Json.toJson(new ChatCompletionChunk("chatcmpl-1", ChatCompletionChunk.OBJECT, 1700000000L, model,
                null, List.of(new ChunkChoice(0, ChatCompletionDelta.EMPTY, null, "stop")), null));
    }

    public static String usageChunk(String model) {
        return Json.toJson(new ChatCompletionChunk("chatcmpl-1", ChatCompletionChunk.OBJECT, 1700000000L, model,
                null, List.of(), Usage.of(5, 2)));
    }

    public static String event(String data) {
        return "data: " + data + "\n\n";
    }
}
