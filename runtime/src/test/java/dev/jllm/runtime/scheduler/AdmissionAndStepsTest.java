package dev.jllm.runtime.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jllm.api.LlmException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Slots, the bounded queue, cancellation, chunked prefill beside running decodes, context limits, slow readers. */
class AdmissionAndStepsTest extends StoriesFixture {


    @Test
    void aFullQueueFailsAtOnceWithRateLimited() {
        Scheduler s = stories.manual(1, 1, 512);
        int[] prompt = stories.encode("Once upon a time");
        Stories.Reader running = new Stories.Reader(s.submit(Stories.greedy(prompt, 100)));
        Stories.Reader queued = new Stories.Reader(s.submit(Stories.greedy(prompt, 5)));
        assertThatThrownBy(() -> s.submit(Stories.greedy(prompt, 5)))
                .isInstanceOfSatisfying(LlmException.class, e -> {
                    assertThat(e.kind()).isEqualTo(LlmException.Kind.RATE_LIMITED);
                    assertThat(e.httpStatus()).isEqualTo(429);
                })
                .hasMessageContaining("1 slots").hasMessageContaining("1 requests are waiting").hasMessageContaining("retry");
        s.step();
        assertThat(s.stats().active()).isEqualTo(1);
        assertThat(s.stats().waiting()).isEqualTo(1);
        // when the queue moves, there is room again
        running.handle.cancel();
        s.step();
        Stories.Reader later = new Stories.Reader(s.submit(Stories.greedy(prompt, 5)));
        Stories.runUntilDone(s, List.of(running, queued, later), 100);
        assertThat(queued.outcome.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(later.outcome.tokens()).containsExactly(queued.outcome.tokens());
        s.close();
    }

    @Test
    void cancellationFreesTheSlotWithinOneStep() {
        Scheduler s = stories.manual(1, 4, 512);
        int[] prompt = stories.encode("Once upon a time");
        Stories.Reader a = new Stories.Reader(s.submit(Stories.greedy(prompt, 200)));
        Stories.Reader b = new Stories.Reader(s.submit(Stories.greedy(stories.encode("The little dog"), 10)));
        for (int i = 0; i < 5; i++) {
            s.step();
        }
        assertThat(b.handle.cachedTokens()).isEqualTo(-1); // still waiting
        a.handle.cancel();
        s.step();
        a.drain();
        b.drain();
        assertThat(a.outcome.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(a.outcome.tokens()).hasSize(5);
        // that same step already evaluated b's prompt and gave its first token
        assertThat(b.handle.cachedTokens()).isGreaterThanOrEqualTo(0);
        assertThat(b.tokens).hasSize(1);
        assertThat(s.stats().active()).isEqualTo(1);
        s.close();
    }

    @Test
    void aRequestCancelledWhileWaitingLeavesTheQueue() {
        Scheduler s = stories.manual(1, 4, 512);
        int[] prompt = stories.encode("Once upon a time");
        Stories.Reader a = new Stories.Reader(s.submit(Stories.greedy(prompt, 50)));
        Stories.Reader b = new Stories.Reader(s.submit(Stories.greedy(prompt, 50)));
        s.step();
        b.handle.cancel();
        s.step();
        b.drain();
        assertThat(b.outcome.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(b.outcome.tokens()).isEmpty();
        assertThat(s.stats().waiting()).isZero();
        Stories.runUntilDone(s, List.of(a), 100);
        s.close();
    }

    @Test
    void aLongPromptIsEvaluatedInChunksWhileRunningSequencesKeepDecoding() {
        Scheduler s = stories.manual(2, 0, 8);
        Stories.Reader running = new Stories.Reader(s.submit(Stories.greedy(stories.encode("Once upon a time"), 60)));
        s.step();
        s.step();
        int[] longPrompt = stories.encode("Lily and Tom went to the park to play with a big red ball and a little dog");
        assertThat(longPrompt.length).isGreaterThan(14);
        Stories.Reader newcomer = new Stories.Reader(s.submit(Stories.greedy(longPrompt, 10)));
        int steps = 0;
        int prefilled = -1;
        while (newcomer.drain().tokens.isEmpty()) {
            int before = running.drain().tokens.size();
            s.step();
            steps++;
            if (prefilled < 0) {
                prefilled = newcomer.handle.cachedTokens(); // BOS is shared with the running sequence
            }
            int[] plan = s.lastPlan();
            // the running sequence's next token, then as much of the prompt as the chunk allows
            assertThat(plan[0]).isEqualTo(1);
            assertThat(plan[1]).isEqualTo(Math.min(7, longPrompt.length - prefilled));
            prefilled += plan[1];
            assertThat(running.drain().tokens).hasSize(before + 1);
        }
        assertThat(prefilled).isEqualTo(longPrompt.length);
        assertThat(steps).isEqualTo((longPrompt.length - newcomer.handle.cachedTokens() + 6) / 7).isGreaterThan(1);
        assertThat(newcomer.drain().tokens).hasSize(1);
        s.step();
        assertThat(s.lastPlan()).containsExactly(1, 1);

        // chunking changed nothing: the same tokens as a scheduler evaluating each prompt whole and alone
        Stories.runUntilDone(s, List.of(running, newcomer), 200);
        Scheduler alone = stories.manual(1, 0, 512);
        Stories.Reader cold = new Stories.Reader(alone.submit(Stories.greedy(longPrompt, 10)));
        Stories.runUntilDone(alone, List.of(cold), 100);
        assertThat(newcomer.outcome.tokens()).containsExactly(cold.outcome.tokens());
        s.close();
        alone.close();
    }

    @Test
    void whileOthersDecodeAPromptAdvancesByTheSmallerInterleaveChunk() {
        Scheduler s = stories.manual(new SchedulerConfig(2, 0, 64, 4, 256, 64L << 20, 4));
        int[] longPrompt = stories.encode("Lily and Tom went to the park to play with a big red ball and a little dog");
        // alone, a prompt takes the whole step budget
        Stories.Reader first = new Stories.Reader(s.submit(Stories.greedy(longPrompt, 30)));
        s.step();
        assertThat(s.lastPlan()).containsExactly(longPrompt.length);
        // beside a decoding sequence, 4 prompt tokens per step
        Stories.Reader second = new Stories.Reader(s.submit(Stories.greedy(stories.encode("Once upon a time"), 5)));
        s.step();
        assertThat(s.lastPlan()).containsExactly(1, 4);
        Stories.runUntilDone(s, List.of(first, second), 100);
        assertThat(second.outcome.tokens()).hasSize(5);
        s.close();
    }

    @Test
    void thePerSequenceContextIsExplicit() {
        Scheduler s = stories.manual(new SchedulerConfig(2, 0, 512, 512, 16, 1 << 20, 4));
        int[] prompt = stories.encode("Once upon a time");
        Stories.Reader r = new Stories.Reader(s.submit(Stories.greedy(prompt, 0)));
        Stories.runUntilDone(s, List.of(r), 100);
        assertThat(r.outcome.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(prompt.length + r.outcome.tokens().length).isEqualTo(16);

        int[] tooLong = stories.encode("Once upon a time there was a little girl named Lily who liked to play");
        assertThatThrownBy(() -> s.submit(Stories.greedy(tooLong, 5)))
                .isInstanceOfSatisfying(LlmException.class,
                        e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.CONTEXT_LENGTH_EXCEEDED))
                .hasMessageContaining(tooLong.length + " tokens").hasMessageContaining("context holds 16");
        assertThatThrownBy(() -> s.submit(Stories.greedy(new int[0], 5))).hasMessageContaining("empty");
        assertThatThrownBy(() -> s.submit(Stories.greedy(new int[] {1, 9999}, 5))).hasMessageContaining("vocabulary");
        s.close();
    }

    @Test
    void aSlowReaderPausesOnlyItsOwnSequence() {
        Scheduler s = stories.manual(2, 0, 512);
        int[] prompt = stories.encode("Once upon a time");
        SequenceHandle unread = s.submit(Stories.greedy(prompt, 200));
        Stories.Reader read = new Stories.Reader(s.submit(Stories.greedy(stories.encode("The little dog"), 150)));
        for (int i = 0; i < 120; i++) {
            s.step();
            read.drain();
        }
        assertThat(read.tokens).hasSize(120);
        Stories.Reader late = new Stories.Reader(unread).drain();
        assertThat(late.tokens).hasSize(SequenceHandle.MAX_BACKLOG);
        // once read, it goes on
        s.step();
        assertThat(late.drain().tokens).hasSize(SequenceHandle.MAX_BACKLOG + 1);
        s.close();
    }

    @Test
    void closingFailsWhatIsRunningOrWaitingAndRefusesMore() {
        Scheduler s = stories.manual(1, 2, 512);
        int[] prompt = stories.encode("Once upon a time");
        Stories.Reader a = new Stories.Reader(s.submit(Stories.greedy(prompt, 50)));
        Stories.Reader b = new Stories.Reader(s.submit(Stories.greedy(prompt, 50)));
        s.step();
        s.close();
        for (Stories.Reader r : List.of(a, b)) {
            r.drain();
            assertThat(r.error).isNotNull();
            assertThat(r.error.kind()).isEqualTo(LlmException.Kind.UNAVAILABLE);
        }
        assertThat(s.stats().kvUsedBytes()).isZero();
        assertThatThrownBy(() -> s.submit(Stories.greedy(prompt, 5)))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(LlmException.Kind.UNAVAILABLE));
    }
}
