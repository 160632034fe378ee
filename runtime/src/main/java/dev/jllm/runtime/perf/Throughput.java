package dev.jllm.runtime.perf;

import java.util.Locale;

/**
 * Tokens per second of one test over several runs.
 *
 * @param tokens tokens per run
 * @param tps    mean tokens per second
 * @param sd     sample standard deviation of the runs' tokens per second (0 for one run)
 */
public record Throughput(int tokens, double tps, double sd) {

    static Throughput of(int tokens, double[] seconds) {
        double[] rates = new double[seconds.length];
        double mean = 0;
        for (int i = 0; i < seconds.length; i++) {
            rates[i] = tokens / seconds[i];
            mean += rates[i];
        }
        mean /= rates.length;
        double var = 0;
        for (double r : rates) {
            var += (r - mean) * (r - mean);
        }
        double sd = rates.length > 1 ? Math.sqrt(var / (rates.length - 1)) : 0;
        return new Throughput(tokens, mean, sd);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.2f ± %.2f tok/s (%d tokens)", tps, sd, tokens);
    }
}
