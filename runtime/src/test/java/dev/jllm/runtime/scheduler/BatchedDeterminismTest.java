package dev.jllm.runtime.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.runtime.kv.KvType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A greedy sequence produces the same tokens alone or batched with others, whatever the batch's composition: all
 * golden prompts of stories260K at once give llama.cpp's tokens for each, also with prompts evaluated in small
 * chunks, with fewer slots than requests, and when KV memory is so short that sequences are preempted and
 * evaluated again; with an F32 and an F16 KV cache (stories260K's greedy tokens are llama.cpp's with both).
 */
class BatchedDeterminismTest extends StoriesFixture {
    private static List<Stories.Golden> goldens;

    @BeforeAll
    static void loadGoldens() throws IOException {
        goldens = Stories.goldens();
    }

    private List<Stories.Reader> submitAll(Scheduler s) {
        List<Stories.Reader> readers = new ArrayList<>();
        for (Stories.Golden g : goldens) {
            readers.add(new Stories.Reader(s.submit(Stories.greedy(g.promptIds(), g.generatedIds().length))));
        }
        return readers;
    }

    private void assertGolden(List<Stories.Reader> readers) {
        for (int i = 0; i < goldens.size(); i++) {
            Stories.Reader r = readers.get(i);
            assertThat(r.error).as(goldens.get(i).prompt()).isNull();
            assertThat(r.outcome.tokens()).as(goldens.get(i).prompt()).containsExactly(goldens.get(i).generatedIds());
            assertThat(r.outcome.finishReason()).isEqualTo(FinishReason.LENGTH);
        }
    }

    @ParameterizedTest
    @EnumSource(value = KvType.class, names = {"F32", "F16"})
    void allGoldenPromptsAtOnceGiveTheGoldenTokens(KvType type) {
        assertThat(goldens).hasSize(6);
        Scheduler s = stories.manual(new SchedulerConfig(6, 0, 512, 512, 256, 64L << 20, 16, type));
        List<Stories.Reader> readers = submitAll(s);
        s.step();
        // one forward pass evaluated all six prompts together
        assertThat(s.lastPlan()).hasSize(6);
        s.step();
        assertThat(s.lastPlan()).containsExactly(1, 1, 1, 1, 1, 1);
        int steps = 2 + Stories.runUntilDone(s, readers, 200);
        assertGolden(readers);
        assertThat(steps).isEqualTo(64); // one step per token: every step served every sequence
        s.close();
    }

    @Test
    void smallChunksAndFewerSlotsThanRequestsGiveTheSameTokens() {
        Scheduler s = stories.manual(4, 2, 7);
        List<Stories.Reader> readers = submitAll(s);
        s.step();
        assertThat(s.stats().active()).isEqualTo(4);
        assertThat(s.stats().waiting()).isEqualTo(2);
        Stories.runUntilDone(s, readers, 1000);
        assertGolden(readers);
        s.close();
    }

    @ParameterizedTest
    @EnumSource(value = KvType.class, names = {"F32", "F16"})
    void preemptedSequencesResumeWithIdenticalTokens(KvType type) {
        // 5 pages of KV memory for six sequences of two pages each (64 positions, 5 layers, 32 + 32 elements)
        long page = 64L * 5 * type.bytes(32 + 32);
        Scheduler s = stories.manual(new SchedulerConfig(6, 0, 512, 512, 256, 5 * page, 16, type));
        List<Stories.Reader> readers = submitAll(s);
        Stories.runUntilDone(s, readers, 5000);
        assertGolden(readers);
        assertThat(s.stats().preemptions()).isPositive();
        assertThat(s.stats().kvUsedBytes()).isLessThanOrEqualTo(5 * page);
        s.close();
    }
}
