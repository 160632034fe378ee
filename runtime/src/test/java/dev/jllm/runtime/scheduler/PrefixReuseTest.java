package dev.jllm.runtime.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.runtime.sampling.SamplingParams;
import dev.jllm.runtime.kv.PrefixCache;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A prompt that starts with tokens already in the KV cache reuses them, with results identical to a fresh start. */
class PrefixReuseTest extends StoriesFixture {


    private static SequenceRequest withLogprobs(int[] prompt, int maxTokens) {
        return new SequenceRequest(prompt, SamplingParams.greedy(), maxTokens, 5);
    }

    private static Stories.Reader run(Scheduler s, SequenceRequest r) {
        Stories.Reader reader = new Stories.Reader(s.submit(r));
        Stories.runUntilDone(s, List.of(reader), 500);
        assertThat(reader.error).isNull();
        return reader;
    }

    @Test
    void aCacheHitGivesTheSameTokensAndLogprobsAndIsReported() {
        int[] prompt = stories.encode("Once upon a time, in a big forest, there lived a little bunny");
        Scheduler s = stories.manual(2, 0, 512);
        Stories.Reader first = run(s, withLogprobs(prompt, 20));
        assertThat(first.outcome.cachedTokens()).isZero();

        Stories.Reader again = run(s, withLogprobs(prompt, 20));
        assertThat(again.outcome.cachedTokens()).isEqualTo(prompt.length - 1);
        assertThat(again.outcome.tokens()).containsExactly(first.outcome.tokens());
        for (int i = 0; i < first.tokens.size(); i++) {
            // the same logits, bit for bit: same chosen log-probability and the same top five
            assertThat(again.tokens.get(i).logprobs()).isEqualTo(first.tokens.get(i).logprobs());
        }

        // the next "turn": the first answer's opening is now part of the prompt
        int[] turn = Arrays.copyOf(prompt, prompt.length + 6);
        System.arraycopy(first.outcome.tokens(), 0, turn, prompt.length, 6);
        Stories.Reader next = run(s, withLogprobs(turn, 10));
        assertThat(next.outcome.cachedTokens()).isEqualTo(turn.length - 1);
        assertThat(next.outcome.tokens()).containsExactly(Arrays.copyOfRange(first.outcome.tokens(), 6, 16));

        Scheduler fresh = stories.manual(1, 0, 512);
        Stories.Reader cold = run(fresh, withLogprobs(turn, 10));
        assertThat(cold.outcome.cachedTokens()).isZero();
        assertThat(next.outcome.tokens()).containsExactly(cold.outcome.tokens());
        for (int i = 0; i < cold.tokens.size(); i++) {
            assertThat(next.tokens.get(i).logprobs()).isEqualTo(cold.tokens.get(i).logprobs());
        }
        s.close();
        fresh.close();
    }

    @Test
    void identicalPromptsSubmittedTogetherAreEvaluatedOnce() {
        // the choices of an n = 2 request: the younger waits for the older's prompt, then shares its pages
        int[] prompt = stories.encode("Once upon a time, in a big forest, there lived a little bunny");
        Scheduler s = stories.manual(2, 0, 8);
        Stories.Reader a = new Stories.Reader(s.submit(withLogprobs(prompt, 12)));
        Stories.Reader b = new Stories.Reader(s.submit(withLogprobs(prompt, 12)));
        s.step();
        // the first step evaluates a chunk of the older prompt only
        assertThat(s.lastPlan()).containsExactly(8);
        Stories.runUntilDone(s, List.of(a, b), 500);
        assertThat(a.outcome.cachedTokens()).isZero();
        assertThat(b.outcome.cachedTokens()).isEqualTo(prompt.length - 1);
        assertThat(b.outcome.tokens()).containsExactly(a.outcome.tokens());
        for (int i = 0; i < a.tokens.size(); i++) {
            assertThat(b.tokens.get(i).logprobs()).isEqualTo(a.tokens.get(i).logprobs());
        }
        s.close();
    }

    @Test
    void aNewcomerSharesThePrefixOfARunningSequence() {
        int[] system = stories.encode("Lily and Tom were friends. They liked to play in the park every day.");
        int[] a = Arrays.copyOf(system, system.length + 1);
        a[system.length] = stories.tokenizer.encode(" One", false, false)[0];
        Scheduler s = stories.manual(2, 0, 512);
        Stories.Reader ra = new Stories.Reader(s.submit(Stories.greedy(a, 30)));
        s.step();
        s.step();
        Stories.Reader rb = new Stories.Reader(s.submit(Stories.greedy(system, 30)));
        Stories.runUntilDone(s, List.of(ra, rb), 200);
        assertThat(rb.outcome.cachedTokens()).isEqualTo(system.length - 1);

        Scheduler alone = stories.manual(1, 0, 512);
        Stories.Reader cold = run(alone, Stories.greedy(system, 30));
        assertThat(rb.outcome.tokens()).containsExactly(cold.outcome.tokens());
        s.close();
        alone.close();
    }

    @Test
    void cachedPrefixesAreEvictedLeastRecentlyUsedFirstUnderTheMemoryBudget() {
        long page = 64L * 5 * (32 + 32) * Float.BYTES;
        // room for the running sequence and a few cached ones, not for all
        Scheduler s = stories.manual(new SchedulerConfig(1, 0, 512, 512, 256, 4 * page, 16));
        String[] texts = {"Tom ran to the tree", "Bob had a big red ball", "Sam found a shiny stone",
            "Lily saw a bird", "Mia baked a cake with mom"};
        int[][] prompts = new int[texts.length][];
        for (int i = 0; i < texts.length; i++) {
            prompts[i] = stories.encode(texts[i]);
        }
        for (int i = 0; i < texts.length; i++) {
            for (int j = 0; j < i; j++) {
                // only BOS in common: no prompt counts as a use of another's entry
                assertThat(PrefixCache.commonPrefix(prompts[i], prompts[i].length, prompts[j], prompts[j].length)).isEqualTo(1);
            }
        }
        for (int i = 0; i < texts.length; i++) {
            run(s, Stories.greedy(prompts[i], 40));
            assertThat(s.stats().kvUsedBytes()).isLessThanOrEqualTo(4 * page);
        }
        // every finished sequence uses one page of its own (plus shared BOS pages copied on write): not all fit
        assertThat(s.stats().cachedPrefixes()).isLessThan(texts.length);
        assertThat(s.prefixCache().sequenceIds()).containsExactly(2, 3, 4, 5); // the first went to make room for the fifth
        // the most recent conversation is still cached, the oldest is gone
        assertThat(run(s, Stories.greedy(prompts[4], 5)).outcome.cachedTokens()).isEqualTo(prompts[4].length - 1);
        assertThat(run(s, Stories.greedy(prompts[0], 5)).outcome.cachedTokens()).isLessThan(prompts[0].length - 1);
        s.close();
    }
}
