package dev.jllm.runtime.sampling;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A constraint masks tokens before every other stage: greedy and sampled picks stay inside it. */
class SamplerConstraintTest {

    /** Allows the tokens whose ids are set in {@code bits} (vocabularies up to 64 here). */
    record Allow(long bits) implements TokenConstraint {
        @Override
        public void allowedTokens(long[] allowed) {
            allowed[0] = bits;
            for (int i = 1; i < allowed.length; i++) {
                allowed[i] = 0;
            }
        }
    }

    @Test
    void greedyTakesTheBestAllowedToken() {
        float[] logits = {5f, 1f, 3f, 4f};
        assertThat(new Sampler(SamplingParams.greedy(), 4, new Allow(0b0110)).sample(logits)).isEqualTo(2);
        assertThat(new Sampler(SamplingParams.greedy(), 4, null).sample(logits)).isZero();
    }

    @Test
    void samplingNeverLeavesTheMaskEvenWhenTruncationWouldKeepOnlyForbiddenTokens() {
        // top-k 1 after the mask: the best allowed token, not the (forbidden) best overall
        Sampler topOne = new Sampler(SamplingParams.defaults().withTopK(1).withSeed(1), 4, new Allow(0b1010));
        assertThat(topOne.sample(new float[] {9f, 1f, 8f, 2f})).isEqualTo(3);
        Sampler s = new Sampler(SamplingParams.defaults().withTemperature(2f).withTopK(0).withTopP(1f).withMinP(0f)
                .withSeed(7), 70, new Allow(1L << 5 | 1L << 40));
        float[] logits = new float[70];
        java.util.Arrays.fill(logits, 3f);
        for (int i = 0; i < 200; i++) {
            assertThat(s.sample(logits)).isIn(5, 40);
        }
    }

    @Test
    void nothingAllowedIsAnError() {
        assertThatThrownBy(() -> new Sampler(SamplingParams.greedy(), 3, new Allow(0)).sample(new float[] {1f, 2f, 3f}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no token");
    }
}
