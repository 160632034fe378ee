package dev.jllm.runtime.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The scheduler on its own thread with many callers submitting, reading and cancelling at once. */
class ThreadedSchedulerTest extends StoriesFixture {


    @Test
    void concurrentCallersAllGetTheirAnswerOrTheirCancellation() throws Exception {
        List<Stories.Golden> goldens = Stories.goldens();
        Map<Integer, int[]> expected = new ConcurrentHashMap<>();
        try (Scheduler s = new Scheduler("stories260K", stories.net, stories.tokenizer, stories.endOfGeneration,
                new SchedulerConfig(3, 100, 16, 8, 256, 64L << 20, 8));
             ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<SequenceOutcome>> futures = new ArrayList<>();
            for (int i = 0; i < 48; i++) {
                int index = i;
                Stories.Golden g = goldens.get(i % goldens.size());
                // A caller that cancels asks for more tokens than the scheduler can make before it sees the cancel:
                // a reader at most SequenceInbox.MAX_BACKLOG events behind pauses its sequence, so when it cancels
                // after its third token at most 3 + 64 have been made (one more if a step is under way). Asking for
                // just the golden's 64 raced: on a busy machine the whole answer was made before the third token
                // was read, and the request ended with LENGTH.
                boolean cancels = index % 4 == 3;
                int maxTokens = cancels ? 3 + SequenceInbox.MAX_BACKLOG + 32 : g.generatedIds().length;
                futures.add(callers.submit(() -> {
                    SequenceHandle h = s.submit(Stories.greedy(g.promptIds(), maxTokens));
                    int seen = 0;
                    while (true) {
                        SequenceEvent e = h.poll(30, TimeUnit.SECONDS);
                        if (e == null) {
                            throw new AssertionError("no event within 30 s");
                        }
                        switch (e) {
                            case SequenceEvent.Token t -> {
                                // every fourth caller gives up after a few tokens
                                seen++;
                                if (cancels && seen == 2) {
                                    // a slow reader: the scheduler runs ahead until the backlog pauses it
                                    Thread.sleep(100);
                                } else if (cancels && seen == 3) {
                                    h.cancel();
                                }
                            }
                            case SequenceEvent.Finished f -> {
                                expected.put(index, g.generatedIds());
                                return f.outcome();
                            }
                            case SequenceEvent.Failed f -> throw f.error();
                        }
                    }
                }));
            }
            for (int i = 0; i < futures.size(); i++) {
                SequenceOutcome o = futures.get(i).get(60, TimeUnit.SECONDS);
                if (i % 4 == 3) {
                    assertThat(o.finishReason()).isEqualTo(FinishReason.CANCELLED);
                    // a cancelled generation's tokens agree with the greedy answer as far as both go
                    int[] got = o.tokens();
                    int[] golden = expected.get(i);
                    int common = Math.min(got.length, golden.length);
                    assertThat(got.length).isBetween(3, 3 + SequenceInbox.MAX_BACKLOG + 1);
                    assertThat(java.util.Arrays.copyOf(got, common)).containsExactly(java.util.Arrays.copyOf(golden, common));
                } else {
                    assertThat(o.tokens()).containsExactly(expected.get(i));
                }
            }
            // everything left: no slot or place in the queue is still counted (the count and the published stats
            // follow the last Finished event within the step that delivered it)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((s.admitted() != 0 || s.stats().active() != 0 || s.stats().waiting() != 0)
                    && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(s.admitted()).isZero();
            assertThat(s.stats().active()).isZero();
            assertThat(s.stats().waiting()).isZero();
        }
    }
}
