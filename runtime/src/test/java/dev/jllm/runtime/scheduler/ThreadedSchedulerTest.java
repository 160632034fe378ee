package dev.jllm.runtime.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.api.LlmException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The scheduler on its own thread with many callers submitting, reading and cancelling at once. */
class ThreadedSchedulerTest {
    private static Stories stories;

    @BeforeAll
    static void load() throws IOException {
        stories = Stories.load();
    }

    @AfterAll
    static void close() {
        if (stories != null) {
            stories.close();
        }
    }

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
                futures.add(callers.submit(() -> {
                    SequenceHandle h = s.submit(Stories.greedy(g.promptIds(), 64));
                    int seen = 0;
                    while (true) {
                        SequenceEvent e = h.poll(30, TimeUnit.SECONDS);
                        if (e == null) {
                            throw new AssertionError("no event within 30 s");
                        }
                        switch (e) {
                            case SequenceEvent.Token t -> {
                                // every fourth caller gives up after a few tokens
                                if (index % 4 == 3 && ++seen == 3) {
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
                    // a cancelled generation's tokens are still a prefix of the greedy answer
                    assertThat(expected.get(i)).startsWith(o.tokens());
                } else {
                    assertThat(o.tokens()).containsExactly(expected.get(i));
                }
            }
            // everything left: the slots and the whole queue are free again
            List<SequenceHandle> more = new ArrayList<>();
            for (int i = 0; i < 103; i++) {
                more.add(s.submit(Stories.greedy(goldens.getFirst().promptIds(), 2)));
            }
            try {
                s.submit(Stories.greedy(goldens.getFirst().promptIds(), 2));
                throw new AssertionError("the 104th request should have been refused");
            } catch (LlmException e) {
                assertThat(e.kind()).isEqualTo(LlmException.Kind.RATE_LIMITED);
            }
            more.forEach(SequenceHandle::cancel);
        }
    }
}
