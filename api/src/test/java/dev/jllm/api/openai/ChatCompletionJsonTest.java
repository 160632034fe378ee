package dev.jllm.api.openai;

import dev.jllm.api.ChatCompletionAccumulator;
import dev.jllm.api.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Responses, streamed chunks and model lists in OpenAI's documented shapes. */
class ChatCompletionJsonTest {

    private static JsonObject tree(String json) {
        return jakarta.json.Json.createReader(new StringReader(json)).readObject();
    }

    @Test
    void readsAWholeResponse() {
        ChatCompletion c = Json.fromJson(Resources.read("response.json"), ChatCompletion.class);
        assertThat(c.id()).isEqualTo("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT");
        assertThat(c.object()).isEqualTo(ChatCompletion.OBJECT);
        assertThat(c.created()).isEqualTo(1741569952L);
        assertThat(c.model()).isEqualTo("gpt-4.1-2025-04-14");
        assertThat(c.systemFingerprint()).isEqualTo("fp_3f58d112f7");
        Choice choice = c.choices().getFirst();
        assertThat(choice.index()).isZero();
        assertThat(choice.finishReason()).isEqualTo("stop");
        assertThat(choice.logprobs()).isNull();
        assertThat(choice.message().role()).isEqualTo("assistant");
        assertThat(choice.message().refusal()).isNull();
        assertThat(c.text()).isEqualTo("Hello! How can I assist you today?");
        Usage u = c.usage();
        assertThat(u.promptTokens()).isEqualTo(19);
        assertThat(u.completionTokens()).isEqualTo(10);
        assertThat(u.totalTokens()).isEqualTo(29);
        assertThat(u.promptTokensDetails().cachedTokens()).isZero();
        assertThat(u.completionTokensDetails().reasoningTokens()).isZero();
        assertThat(u.completionTokensDetails().rejectedPredictionTokens()).isZero();
    }

    @Test
    void readsToolCallsAndLogprobs() {
        ChatCompletion c = Json.fromJson(Resources.read("response-tool-calls-logprobs.json"), ChatCompletion.class);
        Choice choice = c.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo("tool_calls");
        assertThat(choice.message().content()).isNull();
        assertThat(choice.message().text()).isEmpty();
        ToolCall call = choice.message().toolCalls().getFirst();
        assertThat(call.id()).isEqualTo("call_abc123");
        assertThat(call.function().name()).isEqualTo("get_current_weather");
        assertThat(call.function().arguments()).isEqualTo("{\n\"location\": \"Boston, MA\"\n}");
        TokenLogprob lp = choice.logprobs().content().getFirst();
        assertThat(lp.token()).isEqualTo("Hello");
        assertThat(lp.logprob()).isEqualTo(-0.31725305);
        assertThat(lp.bytes()).containsExactly(72, 101, 108, 108, 111);
        assertThat(lp.topLogprobs()).extracting(TopLogprob::token).containsExactly("Hello", "Hi");
        assertThat(c.usage().promptTokensDetails()).isNull();
    }

    @Test
    void responsesRoundTripAndWriteSnakeCaseWithoutNulls() {
        for (String doc : List.of("response.json", "response-tool-calls-logprobs.json")) {
            ChatCompletion c = Json.fromJson(Resources.read(doc), ChatCompletion.class);
            String written = Json.toJson(c);
            assertThat(Json.fromJson(written, ChatCompletion.class)).as(doc).isEqualTo(c);
            assertThat(written).as(doc).doesNotContain("null").doesNotContain("finishReason")
                    .contains("\"finish_reason\"").contains("\"prompt_tokens\"");
        }
        JsonObject o = tree(Json.toJson(Json.fromJson(Resources.read("response.json"), ChatCompletion.class)));
        assertThat(o.keySet()).containsExactlyInAnyOrder("id", "object", "created", "model", "system_fingerprint",
                "choices", "usage");
        assertThat(o.getJsonObject("usage").getJsonObject("prompt_tokens_details").getInt("cached_tokens")).isZero();
        assertThat(o.getJsonObject("usage").getJsonObject("completion_tokens_details").keySet())
                .containsExactlyInAnyOrder("reasoning_tokens", "audio_tokens", "accepted_prediction_tokens",
                        "rejected_prediction_tokens");
    }

    @Test
    void readsStreamedChunksIncludingTheUsageChunk() {
        List<ChatCompletionChunk> chunks = Resources.read("stream-chunks.txt").lines()
                .map(l -> Json.fromJson(l, ChatCompletionChunk.class)).toList();
        assertThat(chunks).hasSize(5);
        ChatCompletionChunk first = chunks.getFirst();
        assertThat(first.object()).isEqualTo(ChatCompletionChunk.OBJECT);
        assertThat(first.systemFingerprint()).isEqualTo("fp_44709d6fcb");
        assertThat(first.choices().getFirst().delta().role()).isEqualTo("assistant");
        assertThat(first.usage()).isNull();
        assertThat(chunks.get(2).text()).isEqualTo(" wörld 👋");
        assertThat(chunks.get(3).choices().getFirst().finishReason()).isEqualTo("stop");
        assertThat(chunks.get(3).choices().getFirst().delta()).isEqualTo(ChatCompletionDelta.EMPTY);
        ChatCompletionChunk last = chunks.getLast();
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage()).isEqualTo(new Usage(9, 3, 12, PromptTokensDetails.cached(4), null));

        for (ChatCompletionChunk c : chunks) {
            assertThat(Json.fromJson(Json.toJson(c), ChatCompletionChunk.class)).isEqualTo(c);
        }
        // The usage chunk keeps its empty choices array: clients index into it.
        assertThat(tree(Json.toJson(last)).getJsonArray("choices")).isEmpty();
    }

    @Test
    void accumulatesChunksIntoTheWholeCompletion() {
        ChatCompletionAccumulator acc = new ChatCompletionAccumulator();
        Resources.read("stream-chunks.txt").lines().map(l -> Json.fromJson(l, ChatCompletionChunk.class))
                .forEach(acc::add);
        ChatCompletion c = acc.result();
        assertThat(c.id()).isEqualTo("chatcmpl-123");
        assertThat(c.object()).isEqualTo(ChatCompletion.OBJECT);
        assertThat(c.model()).isEqualTo("gpt-4o-mini");
        assertThat(c.text()).isEqualTo("Hello wörld 👋");
        assertThat(c.choices().getFirst().message().role()).isEqualTo("assistant");
        assertThat(c.choices().getFirst().finishReason()).isEqualTo("stop");
        assertThat(c.usage().totalTokens()).isEqualTo(12);
    }

    @Test
    void accumulatesToolCallPiecesByIndex() {
        ChatCompletionAccumulator acc = new ChatCompletionAccumulator();
        Resources.read("stream-tool-chunks.txt").lines().map(l -> Json.fromJson(l, ChatCompletionChunk.class))
                .forEach(acc::add);
        ChatCompletion c = acc.result();
        ChatMessage m = c.choices().getFirst().message();
        assertThat(m.content()).isNull();
        assertThat(m.toolCalls()).containsExactly(
                ToolCall.function("call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_weather", "{\"location\":\"Paris\"}"));
        assertThat(c.choices().getFirst().finishReason()).isEqualTo("tool_calls");
    }

    @Test
    void readsAndWritesModelLists() {
        ModelList list = Json.fromJson(Resources.read("models.json"), ModelList.class);
        assertThat(list.object()).isEqualTo("list");
        assertThat(list.data()).containsExactly(Model.of("gpt-4o-mini", 1721172741L, "system"),
                Model.of("llama3.2:1b", 1729186034L, "library"));
        JsonObject o = tree(Json.toJson(list));
        assertThat(o.getJsonArray("data").getJsonObject(0).keySet())
                .containsExactlyInAnyOrder("id", "object", "created", "owned_by");
        assertThat(Json.fromJson(Json.toJson(list), ModelList.class)).isEqualTo(list);
    }
}
