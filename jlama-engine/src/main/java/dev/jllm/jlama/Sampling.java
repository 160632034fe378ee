package dev.jllm.jlama;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.tensor.AbstractTensor;

import java.util.Arrays;
import java.util.Random;

/**
 * Picks the next token from jlama's logits. jlama's own {@code sample} knows only temperature and draws from an
 * unseeded {@code ThreadLocalRandom}; here jlama computes the logits and its argmax (greedy decoding is exactly
 * jlama's), and a temperature above 0 samples in Java with top-k, top-p, min-p and a seedable draw, in llama.cpp's
 * order (top-k, top-p, min-p, temperature).
 *
 * @param temperature 0 = greedy
 * @param topK        0 = off
 * @param topP        1 = off
 * @param minP        0 = off
 * @param seed        null for a random seed
 */
record Sampling(float temperature, int topK, float topP, float minP, Long seed) {

    static final Sampling DEFAULTS = new Sampling(0.8f, 40, 0.95f, 0.05f, null);

    /** A sampler for one generation. */
    Sampler start() {
        return new Sampler(this, seed == null ? new Random() : new Random(seed));
    }

    static final class Sampler {
        private final Sampling p;
        private final Random random;

        private Sampler(Sampling p, Random random) {
            this.p = p;
            this.random = random;
        }

        /**
         * @param output the hidden state of the last position
         * @param logits scratch of the vocabulary's size, which jlama's sample fills with the final logits
         */
        int next(AbstractModel model, AbstractTensor output, AbstractTensor logits) {
            int argmax = model.sample(output, 0f, 0f, logits);
            if (p.temperature() == 0f || p.topK() == 1) {
                return argmax;
            }
            int n = model.getConfig().vocabularySize;
            Integer[] order = new Integer[n];
            float[] l = new float[n];
            for (int i = 0; i < n; i++) {
                l[i] = logits.get(0, i);
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Float.compare(l[b], l[a]));
            int keep = p.topK() > 0 ? Math.min(p.topK(), n) : n;
            // probabilities at temperature 1 for the top-p and min-p cuts
            double max = l[order[0]];
            double[] prob = new double[keep];
            double sum = 0;
            for (int i = 0; i < keep; i++) {
                prob[i] = Math.exp(l[order[i]] - max);
                sum += prob[i];
            }
            if (p.topP() < 1f) {
                double acc = 0;
                for (int i = 0; i < keep; i++) {
                    acc += prob[i] / sum;
                    if (acc >= p.topP()) {
                        keep = i + 1;
                        break;
                    }
                }
            }
            if (p.minP() > 0f) {
                double floor = p.minP() * prob[0];
                int k = 1;
                while (k < keep && prob[k] >= floor) {
                    k++;
                }
                keep = k;
            }
            double[] w = new double[keep];
            double total = 0;
            for (int i = 0; i < keep; i++) {
                w[i] = Math.exp((l[order[i]] - max) / p.temperature());
                total += w[i];
            }
            double u = random.nextDouble() * total;
            for (int i = 0; i < keep; i++) {
                u -= w[i];
                if (u < 0) {
                    return order[i];
                }
            }
            return order[keep - 1];
        }
    }
}
