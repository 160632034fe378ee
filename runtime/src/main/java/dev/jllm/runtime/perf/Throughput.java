package dev.jllm.runtime.perf;

import java.util.Locale;

/**
 * Tokens per second of one test over several runs.
 *
 * @param tokens tokens per run
 * @param tps    mean tokens per second
 * @param sd     sample standard deviation of the runs' tokens per second (0 for one run)
 * @param bytesPerToken heap bytes the JVM allocated per token during the timed runs (all threads), or -1 where it
 *                      cannot tell
 * @param allowedBytesPerToken what a warm run may allocate per token: {@link #ALLOCATION_WARNING_BYTES} plus the
 *                             test's own output (a decode step's logits, 4 bytes per vocabulary entry)
 */
public record Throughput(int tokens, double tps, double sd, long bytesPerToken, long allowedBytesPerToken) {

    /**
     * Heap allocation per token, besides a test's own output, above which a warm run is not as it should be (see
     * {@link HeapAllocation}).
     */
    public static final long ALLOCATION_WARNING_BYTES = 1 << 20;

    /** Whether the timed runs allocated more than {@link #allowedBytesPerToken} per token. */
    public boolean allocates() {
        return bytesPerToken > allowedBytesPerToken;
    }

    static Throughput of(int tokens, double[] seconds, long bytesPerToken, long allowedBytesPerToken) {
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
        return new Throughput(tokens, mean, sd, bytesPerToken, allowedBytesPerToken);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.2f ± %.2f tok/s (%d tokens)", tps, sd, tokens);
    }
}
