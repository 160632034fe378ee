package dev.jllm.runtime.sampling;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How to pick the next token. Defaults follow llama.cpp ({@link #defaults()}); each stage can be switched
 * off on its own. The stages run in llama.cpp's order: logit bias, penalties, top-k, top-p, min-p,
 * temperature, then a draw.
 *
 * @param temperature divides the logits before the draw; 0 means greedy (argmax after bias and
 *     penalties). Default 0.8.
 * @param topK keep only the k most likely tokens; 0 or less keeps all. Default 40.
 * @param topP keep the smallest set of most likely tokens whose probability reaches p; 1 keeps all.
 *     Default 0.95.
 * @param minP drop tokens whose probability is below minP times the top token's; 0 keeps all. Default
 *     0.05.
 * @param repeatPenalty divides positive logits and multiplies negative ones of tokens seen in the last
 *     {@code repeatLastN}; 1 is off. Default 1.0.
 * @param repeatLastN how many of the latest tokens the penalties look at; 0 turns penalties off, -1 means
 *     the whole history. Default 64.
 * @param presencePenalty subtracted once from the logit of every token seen in the window (OpenAI's
 *     presence_penalty). Default 0.
 * @param frequencyPenalty subtracted per occurrence in the window (OpenAI's frequency_penalty). Default 0.
 * @param logitBias added to the logits of the given token ids before anything else; may be -infinity to
 *     ban a token. Default none.
 * @param seed seeds the draw so a run can be repeated; empty draws from a random seed. Default empty.
 * @param stop strings that end the output and are not part of it. Default none.
 */
public record SamplingParams(
    float temperature,
    int topK,
    float topP,
    float minP,
    float repeatPenalty,
    int repeatLastN,
    float presencePenalty,
    float frequencyPenalty,
    Map<Integer, Float> logitBias,
    OptionalLong seed,
    List<String> stop) {

  public SamplingParams {
    check(Float.isFinite(temperature) && temperature >= 0, "temperature must be a finite number >= 0", temperature);
    check(topP >= 0 && topP <= 1, "topP must be in [0, 1]", topP);
    check(minP >= 0 && minP <= 1, "minP must be in [0, 1]", minP);
    check(Float.isFinite(repeatPenalty) && repeatPenalty > 0, "repeatPenalty must be a finite number > 0", repeatPenalty);
    check(repeatLastN >= -1, "repeatLastN must be -1 (whole history), 0 (off) or positive", repeatLastN);
    check(Float.isFinite(presencePenalty), "presencePenalty must be finite", presencePenalty);
    check(Float.isFinite(frequencyPenalty), "frequencyPenalty must be finite", frequencyPenalty);
    logitBias = Map.copyOf(Objects.requireNonNull(logitBias, "logitBias"));
    for (Map.Entry<Integer, Float> bias : logitBias.entrySet()) {
      check(bias.getKey() >= 0, "logitBias token ids must be >= 0", bias.getKey());
      check(!Float.isNaN(bias.getValue()), "logitBias values must be numbers", bias.getValue());
    }
    Objects.requireNonNull(seed, "seed");
    stop = List.copyOf(Objects.requireNonNull(stop, "stop"));
    for (String s : stop) {
      check(!s.isEmpty(), "stop strings must not be empty", s);
    }
  }

  /** llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no penalties. */
  public static SamplingParams defaults() {
    return new SamplingParams(0.8f, 40, 0.95f, 0.05f, 1.0f, 64, 0f, 0f, Map.of(), OptionalLong.empty(), List.of());
  }

  /** Greedy decoding: always the most likely token (after bias and penalties). */
  public static SamplingParams greedy() {
    return defaults().withTemperature(0);
  }

  public boolean isGreedy() {
    return temperature == 0;
  }

  public SamplingParams withTemperature(float value) {
    return new SamplingParams(value, topK, topP, minP, repeatPenalty, repeatLastN, presencePenalty, frequencyPenalty, logitBias, seed, stop);
  }

  public SamplingParams withTopK(int value) {
    return new SamplingParams(temperature, value, topP, minP, repeatPenalty, repeatLastN, presencePenalty, frequencyPenalty, logitBias, seed, stop);
  }

  public SamplingParams withTopP(float value) {
    return new SamplingParams(temperature, topK, value, minP, repeatPenalty, repeatLastN, presencePenalty, frequencyPenalty, logitBias, seed, stop);
  }

  public SamplingParams withMinP(float value) {
    return new SamplingParams(temperature, topK, topP, value, repeatPenalty, repeatLastN, presencePenalty, frequencyPenalty, logitBias, seed, stop);
  }

  public SamplingParams withRepeatPenalty(float value) {
    return new SamplingParams(temperature, topK, topP, minP, value, repeatLastN, presencePenalty, frequencyPenalty, logitBias, seed, stop);
  }

  public SamplingParams withRepeatLastN(int value) {
    return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, value, presencePenalty, frequencyPenalty, logitBias, seed, stop);
  }

  public SamplingParams withPresencePenalty(float value) {
    return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, value, frequencyPenalty, logitBias, seed, stop);
  }

  public SamplingParams withFrequencyPenalty(float value) {
    return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, presencePenalty, value, logitBias, seed, stop);
  }

  public SamplingParams withLogitBias(Map<Integer, Float> value) {
    return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, presencePenalty, frequencyPenalty, value, seed, stop);
  }

  public SamplingParams withSeed(long value) {
    return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, presencePenalty, frequencyPenalty, logitBias, OptionalLong.of(value), stop);
  }

  public SamplingParams withStop(List<String> value) {
    return new SamplingParams(temperature, topK, topP, minP, repeatPenalty, repeatLastN, presencePenalty, frequencyPenalty, logitBias, seed, value);
  }

  private static void check(boolean ok, String rule, Object value) {
    if (!ok) {
      throw new IllegalArgumentException(rule + ", got " + value);
    }
  }
}
