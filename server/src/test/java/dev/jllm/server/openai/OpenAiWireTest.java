package dev.jllm.server.openai;

import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionDelta;
import dev.jllm.api.openai.ChoiceLogprobs;
import dev.jllm.api.openai.ChunkChoice;
import dev.jllm.api.openai.FunctionCall;
import dev.jllm.api.openai.TokenLogprob;
import dev.jllm.api.openai.ToolCall;
import dev.jllm.api.openai.TopLogprob;
import dev.jllm.api.openai.Usage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A streamed chunk is written once, straight from the record; the expected texts are what the earlier writer
 * (mapper, parse, rebuild) produced, byte for byte: alphabetical members, OpenAI's explicit nulls after them.
 */
class OpenAiWireTest {

    private static ChatCompletionChunk chunk(ChunkChoice choice) {
        return new ChatCompletionChunk("id1", ChatCompletionChunk.OBJECT, 17, "m", "fp", List.of(choice), null);
    }

    @Test
    void theRoleChunkEscapesLikeJsonP() {
        ChatCompletionChunk c = new ChatCompletionChunk("id1", ChatCompletionChunk.OBJECT, 17, "m/\u00e9\"x", "fp",
                List.of(new ChunkChoice(0, ChatCompletionDelta.role("assistant"), null, null)), null);
        String head = "{\"choices\":[{\"delta\":{\"content\":\"\",\"role\":\"assistant\"},\"index\":0,\"logprobs\":null,"
                + "\"finish_reason\":null}],\"created\":17,\"id\":\"id1\",\"model\":\"m/\u00e9\\\"x\","
                + "\"object\":\"chat.completion.chunk\",\"system_fingerprint\":\"fp\"";
        assertThat(OpenAiWire.chunk(c, false)).isEqualTo(head + "}");
        assertThat(OpenAiWire.chunk(c, true)).isEqualTo(head + ",\"usage\":null}");
    }

    @Test
    void contentWithLogprobs() {
        ChoiceLogprobs lp = new ChoiceLogprobs(List.of(new TokenLogprob("a\"b", -0.5, List.of(97),
                List.of(new TopLogprob("x", -1.25, List.of(120))))), null);
        ChatCompletionChunk c = chunk(new ChunkChoice(1, ChatCompletionDelta.content("hi\n\u0001\u2028 </"), lp, null));
        assertThat(OpenAiWire.chunk(c, false)).isEqualTo("{\"choices\":[{\"delta\":{\"content\":\"hi\\n\\u0001\u2028 </\"},"
                + "\"index\":1,\"logprobs\":{\"content\":[{\"bytes\":[97],\"logprob\":-0.5,\"token\":\"a\\\"b\","
                + "\"top_logprobs\":[{\"bytes\":[120],\"logprob\":-1.25,\"token\":\"x\"}]}]},\"finish_reason\":null}],"
                + "\"created\":17,\"id\":\"id1\",\"model\":\"m\",\"object\":\"chat.completion.chunk\","
                + "\"system_fingerprint\":\"fp\"}");
    }

    @Test
    void finishToolCallReasoningAndUsageChunks() {
        String tail = "\"created\":17,\"id\":\"id1\",\"model\":\"m\",\"object\":\"chat.completion.chunk\","
                + "\"system_fingerprint\":\"fp\"";
        assertThat(OpenAiWire.chunk(chunk(new ChunkChoice(0, ChatCompletionDelta.EMPTY, null, "stop")), true))
                .isEqualTo("{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\",\"index\":0,\"logprobs\":null}],"
                        + tail + ",\"usage\":null}");
        ToolCall call = new ToolCall(0, "call_1", "function", new FunctionCall("f", ""));
        assertThat(OpenAiWire.chunk(chunk(new ChunkChoice(0, ChatCompletionDelta.toolCalls(List.of(call)), null,
                null)), false)).isEqualTo("{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":\"\","
                + "\"name\":\"f\"},\"id\":\"call_1\",\"index\":0,\"type\":\"function\"}]},\"index\":0,\"logprobs\":null,"
                + "\"finish_reason\":null}]," + tail + "}");
        assertThat(OpenAiWire.chunk(chunk(new ChunkChoice(0, ChatCompletionDelta.reasoning("think"), null, null)),
                false)).isEqualTo("{\"choices\":[{\"delta\":{\"reasoning_content\":\"think\"},\"index\":0,"
                + "\"logprobs\":null,\"finish_reason\":null}]," + tail + "}");
        ChatCompletionChunk usage = new ChatCompletionChunk("id1", ChatCompletionChunk.OBJECT, 17, "m", "fp", List.of(),
                Usage.of(3, 4, 1));
        assertThat(OpenAiWire.chunk(usage, true)).isEqualTo("{\"choices\":[]," + tail + ",\"usage\":{"
                + "\"completion_tokens\":4,\"prompt_tokens\":3,\"prompt_tokens_details\":{\"cached_tokens\":1},"
                + "\"total_tokens\":7}}");
    }
}
