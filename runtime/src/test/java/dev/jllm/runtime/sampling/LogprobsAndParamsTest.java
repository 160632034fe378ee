package dev.jllm.runtime.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogprobsAndParamsTest {

  @Test
  void logprobsAreTheLogSoftmaxOfTheRawLogits() {
    // exp: 1, 3, 0 (banned), 1 -> p = 0.2, 0.6, 0, 0.2.
    float[] logits = {0f, (float) Math.log(3), Float.NEGATIVE_INFINITY, 0f};

    Logprobs result = Logprobs.of(logits, 3, 3);

    assertThat(result.chosen().token()).isEqualTo(3);
    assertThat(result.chosen().logprob()).isCloseTo(Math.log(0.2), within(1e-6));
    assertThat(result.top()).extracting(TokenLogprob::token).containsExactly(1, 0, 3);
    assertThat(result.top().get(0).logprob()).isCloseTo(Math.log(0.6), within(1e-6));
    assertThat(Logprobs.of(logits, 2, 0).chosen().logprob()).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(Logprobs.of(logits, 1, 0).top()).isEmpty();
  }

  @Test
  void logprobsOfAllTokensSumToOne() {
    float[] logits = new float[1001];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) (Math.cos(i * 0.37) * 9);
    }
    double total = 0;
    for (TokenLogprob t : Logprobs.of(logits, 0, logits.length).top()) {
      total += Math.exp(t.logprob());
    }

    assertThat(total).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void logprobsRejectBadArguments() {
    assertThatThrownBy(() -> Logprobs.of(new float[2], 2, 1)).hasMessageContaining("outside");
    assertThatThrownBy(() -> Logprobs.of(new float[] {Float.NaN}, 0, 1)).hasMessage("no token has a finite logit");
  }

  @Test
  void defaultsAreLlamaCpps() {
    SamplingParams p = SamplingParams.defaults();

    assertThat(p.temperature()).isEqualTo(0.8f);
    assertThat(p.topK()).isEqualTo(40);
    assertThat(p.topP()).isEqualTo(0.95f);
    assertThat(p.minP()).isEqualTo(0.05f);
    assertThat(p.repeatPenalty()).isEqualTo(1.0f);
    assertThat(p.repeatLastN()).isEqualTo(64);
    assertThat(p.presencePenalty()).isZero();
    assertThat(p.frequencyPenalty()).isZero();
    assertThat(p.logitBias()).isEmpty();
    assertThat(p.seed()).isEmpty();
    assertThat(p.stop()).isEmpty();
    assertThat(SamplingParams.greedy().isGreedy()).isTrue();
    assertThat(p.withSeed(5).withStop(List.of("x")).seed()).hasValue(5);
  }

  @Test
  void paramsRejectValuesThatMeanNothing() {
    SamplingParams p = SamplingParams.defaults();

    assertThatThrownBy(() -> p.withTemperature(-0.1f)).hasMessageContaining("temperature must be");
    assertThatThrownBy(() -> p.withTemperature(Float.NaN)).hasMessageContaining("temperature must be");
    assertThatThrownBy(() -> p.withTopP(1.5f)).hasMessageContaining("topP must be in [0, 1]");
    assertThatThrownBy(() -> p.withMinP(-1f)).hasMessageContaining("minP");
    assertThatThrownBy(() -> p.withRepeatPenalty(0f)).hasMessageContaining("repeatPenalty");
    assertThatThrownBy(() -> p.withRepeatLastN(-2)).hasMessageContaining("repeatLastN");
    assertThatThrownBy(() -> p.withLogitBias(Map.of(-1, 1f))).hasMessageContaining("token ids");
    assertThatThrownBy(() -> p.withStop(List.of(""))).hasMessageContaining("stop strings");
  }
}
