package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.api.LocalConfig;
import dev.jllm.runtime.kv.KvType;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a local instance runs each of its models, read from a {@link LocalConfig}: its typed fields and the
 * engine options in {@link LocalConfig#options()}.
 *
 * <p>Accepted options (any other key is refused):
 * <ul>
 *   <li>{@value #KV_MEMORY}: memory for the KV cache of each model, running sequences and cached prefixes
 *       together, e.g. {@code 512m}, {@code 4g}; default half the maximum heap. A context that would not fit
 *       it for one sequence is reduced to what fits.</li>
 *   <li>{@value #MAX_QUEUE}: requests that may wait for a slot per model beyond {@code parallel}; default
 *       4 x parallel. Beyond it a request fails at once with RATE_LIMITED.</li>
 *   <li>{@value #QUANTIZE}: {@code q8_0} or {@code q4_0} quantizes float matrices at load time (speed and
 *       memory over exactness).</li>
 *   <li>{@value #CHAT_TEMPLATE_FILE}: a Jinja chat template file used instead of the model's own (for a model
 *       whose template is missing, broken or cannot carry tools).</li>
 * </ul>
 *
 * @param threads       kernel threads; 0 = one per available processor
 * @param contextSize   positions per sequence; 0 = the model's training context
 * @param batchSize     tokens per forward step at most (prompts are evaluated in chunks of this size)
 * @param parallel      sequences decoded together at most
 * @param maxQueue      requests that may wait for a slot; -1 = 4 x parallel
 * @param kvMemoryBytes KV cache budget per model; 0 = half the maximum heap
 * @param kvType        element type of the KV cache ({@link LocalConfig#kvType()}, {@code auto} read as
 *                      {@link KvType#AUTO_CHOICE})
 */
public record LocalSettings(int threads, int contextSize, int batchSize, int parallel, int maxQueue,
                            long kvMemoryBytes, KvType kvType) {

    public static final String KV_MEMORY = "kv_memory";
    public static final String MAX_QUEUE = "max_queue";
    /** Read by {@link LocalLlm}: q8_0 or q4_0 quantizes float weights at load time. */
    public static final String QUANTIZE = "quantize";
    /** Read by {@link LocalLlm}: a chat template file (Jinja) used instead of the models' own. */
    public static final String CHAT_TEMPLATE_FILE = "chat_template_file";
    public static final Set<String> OPTION_KEYS = Set.of(KV_MEMORY, MAX_QUEUE, QUANTIZE, CHAT_TEMPLATE_FILE);

    /** Settings with the KV cache type {@code auto} chooses. */
    public LocalSettings(int threads, int contextSize, int batchSize, int parallel, int maxQueue, long kvMemoryBytes) {
        this(threads, contextSize, batchSize, parallel, maxQueue, kvMemoryBytes, KvType.AUTO_CHOICE);
    }

    public LocalSettings {
        java.util.Objects.requireNonNull(kvType, "kvType");
        if (threads < 0 || contextSize < 0 || batchSize < 1 || parallel < 1 || maxQueue < -1 || kvMemoryBytes < 0) {
            throw new IllegalArgumentException("invalid local settings: threads=" + threads + " contextSize="
                    + contextSize + " batchSize=" + batchSize + " parallel=" + parallel + " maxQueue=" + maxQueue
                    + " kvMemoryBytes=" + kvMemoryBytes);
        }
    }

    /** Default batching with the given threads and context (as {@code jllm generate} runs a model). */
    public static LocalSettings defaults(int threads, int contextSize) {
        return new LocalSettings(threads, contextSize, LocalConfig.DEFAULT_BATCH_SIZE, LocalConfig.DEFAULT_PARALLEL,
                -1, 0);
    }

    /**
     * @throws LlmException INVALID_REQUEST for an unknown option key, a malformed value or an unknown
     *                      {@code kv_type}, naming it
     */
    public static LocalSettings of(LocalConfig config) {
        Map<String, String> options = config.options();
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(OPTION_KEYS);
        if (!unknown.isEmpty()) {
            throw LlmException.invalid("unknown option(s) for local instances: " + String.join(", ", unknown)
                    + "; accepted: " + String.join(", ", new TreeSet<>(OPTION_KEYS)));
        }
        long kvMemory = 0;
        if (options.containsKey(KV_MEMORY)) {
            try {
                kvMemory = ByteSize.parse(options.get(KV_MEMORY));
            } catch (IllegalArgumentException e) {
                throw LlmException.invalid(KV_MEMORY + ": " + e.getMessage());
            }
        }
        int maxQueue = -1;
        if (options.containsKey(MAX_QUEUE)) {
            try {
                maxQueue = Integer.parseInt(options.get(MAX_QUEUE).strip());
            } catch (NumberFormatException e) {
                maxQueue = -2;
            }
            if (maxQueue < 0) {
                throw LlmException.invalid(MAX_QUEUE + " must be 0 or a positive number, got '" + options.get(MAX_QUEUE) + "'");
            }
        }
        KvType kvType;
        try {
            kvType = KvType.parse(config.kvType());
        } catch (IllegalArgumentException e) {
            throw LlmException.invalid(e.getMessage());
        }
        return new LocalSettings(config.threads(), config.contextSize(), config.batchSize(), config.parallel(),
                maxQueue, kvMemory, kvType);
    }

    public LocalSettings withKvType(KvType v) {
        return new LocalSettings(threads, contextSize, batchSize, parallel, maxQueue, kvMemoryBytes, v);
    }

    /** {@link #maxQueue}, the default applied. */
    public int effectiveQueue() {
        return maxQueue >= 0 ? maxQueue : 4 * parallel;
    }

    /** {@link #kvMemoryBytes}, the default applied. */
    public long effectiveKvMemory() {
        return kvMemoryBytes > 0 ? kvMemoryBytes : Runtime.getRuntime().maxMemory() / 2;
    }
}
