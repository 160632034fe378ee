package dev.jllm.server.openai;

import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionDelta;
import dev.jllm.api.openai.ChunkChoice;
import dev.jllm.api.openai.Usage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkNormalizerTest {

    private static ChatCompletionChunk in(String id, long created, Usage usage, ChunkChoice... choices) {
        return new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, "m", null, List.of(choices), usage);
    }

    private static ChunkChoice choice(int index, String role, String content, String finish) {
        return new ChunkChoice(index, new ChatCompletionDelta(role, content, null, null), null, finish);
    }

    @Test
    void addsTheRoleSplitsTheFinishAndHoldsUsageBack() {
        ChunkNormalizer n = new ChunkNormalizer("fallback", 5, "req-model");
        List<ChatCompletionChunk> out = new ArrayList<>();
        out.addAll(n.accept(in("a", 100, null, choice(0, null, "Hel", null))));
        out.addAll(n.accept(in("b", 200, null, choice(0, null, "lo", "length"))));
        out.addAll(n.accept(in("c", 300, Usage.of(3, 2))));
        out.addAll(n.finish());

        assertThat(out).extracting(ChatCompletionChunk::id).containsOnly("a");
        assertThat(out).extracting(ChatCompletionChunk::created).containsOnly(100L);
        assertThat(out).extracting(ChatCompletionChunk::usage).containsOnlyNulls();
        assertThat(out).hasSize(3);
        assertThat(out.get(0).choices().getFirst().delta()).isEqualTo(new ChatCompletionDelta("assistant", "Hel",
                null, null));
        assertThat(out.get(1).choices().getFirst().delta()).isEqualTo(ChatCompletionDelta.content("lo"));
        assertThat(out.get(1).choices().getFirst().finishReason()).isNull();
        assertThat(out.get(2).choices().getFirst()).isEqualTo(new ChunkChoice(0, ChatCompletionDelta.EMPTY, null,
                "length"));
        assertThat(n.usage()).isEqualTo(Usage.of(3, 2));
        ChatCompletionChunk u = n.usageChunk();
        assertThat(u.choices()).isEmpty();
        assertThat(u.id()).isEqualTo("a");
        assertThat(u.usage()).isEqualTo(Usage.of(3, 2));
    }

    @Test
    void anInstanceThatSaidNothingGetsAnEmptyAnswerThatStops() {
        ChunkNormalizer n = new ChunkNormalizer("fallback", 5, "req-model");
        List<ChatCompletionChunk> out = n.finish();
        assertThat(out).hasSize(2);
        assertThat(out.getFirst().id()).isEqualTo("fallback");
        assertThat(out.getFirst().model()).isEqualTo("req-model");
        assertThat(out.getFirst().choices().getFirst().delta()).isEqualTo(ChatCompletionDelta.role("assistant"));
        assertThat(out.getLast().choices().getFirst().finishReason()).isEqualTo("stop");
    }

    @Test
    void choicesGetAChunkEachAndNothingAfterTheirFinish() {
        ChunkNormalizer n = new ChunkNormalizer("f", 1, "m");
        List<ChatCompletionChunk> out = new ArrayList<>(n.accept(in("x", 9, null,
                choice(0, "assistant", "", null), choice(1, "assistant", "", null))));
        out.addAll(n.accept(in("x", 9, null, choice(0, null, null, "stop"))));
        out.addAll(n.accept(in("x", 9, null, choice(0, null, "late", null))));
        out.addAll(n.finish());
        assertThat(out).allSatisfy(c -> assertThat(c.choices()).hasSize(1));
        assertThat(out).extracting(c -> c.choices().getFirst().index() + ":"
                + c.choices().getFirst().finishReason()).containsExactly("0:null", "1:null", "0:stop", "1:stop");
    }
}
