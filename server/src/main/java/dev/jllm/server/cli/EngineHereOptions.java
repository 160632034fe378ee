package dev.jllm.server.cli;

import dev.jllm.api.LocalConfig;
import dev.jllm.models.gguf.GgmlType;
import dev.jllm.runtime.engine.LocalLlm;
import dev.jllm.runtime.engine.LocalSettings;
import dev.jllm.runtime.kv.KvType;
import dev.jllm.runtime.quant.QuantizingWeightSource;
import picocli.CommandLine.Option;

/**
 * The options that set up the engine in this process, shared by {@code generate} and {@code run} (a picocli
 * mixin): kernel threads, context size, quantization at load time, KV cache type. Checked once here, so both commands refuse
 * the same values with the same words.
 */
final class EngineHereOptions {

    @Option(names = {"-t", "--threads"}, defaultValue = "0", paramLabel = "N",
            description = "Kernel threads of the engine in this process; 0 = all processors (default).")
    int threads;

    @Option(names = {"-c", "--ctx"}, defaultValue = "0", paramLabel = "N",
            description = "Context size in tokens of the engine in this process; 0 = the model's (default).")
    int ctx;

    @Option(names = "--quantize", paramLabel = "TYPE",
            description = "Quantize float weights at load time: q8_0 or q4_0 (faster and smaller, not exact).")
    String quantize;

    @Option(names = "--kv-type", paramLabel = "TYPE", description = KvType.HELP + " (default: auto, f16).")
    String kvType;

    /** @throws UserError for a negative count or an unknown quantization type */
    void check() {
        if (threads < 0 || ctx < 0) {
            throw new UserError("--threads and --ctx must not be negative");
        }
        quantizeType();
        kvType();
    }

    /** Whether any of them was given (they mean nothing to a server that has its own settings). */
    boolean anyGiven() {
        return threads != 0 || ctx != 0 || quantize != null || kvType != null;
    }

    /** The --quantize type, or null for none. */
    GgmlType quantizeType() {
        try {
            return quantize == null ? null : QuantizingWeightSource.parseType(quantize);
        } catch (IllegalArgumentException e) {
            throw new UserError("--" + e.getMessage());
        }
    }

    /** The --kv-type, or the engine's default when not given. */
    KvType kvType() {
        try {
            return KvType.parse(kvType);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The engine settings of a model loaded directly in this process. */
    LocalSettings settings() {
        return LocalSettings.defaults(threads, ctx).withKvType(kvType());
    }

    /** A local instance's config with these settings. */
    LocalConfig localConfig() {
        LocalConfig config = LocalConfig.defaults().withThreads(threads).withContextSize(ctx).withKvType(kvType);
        return quantize == null ? config : config.withOption(LocalLlm.QUANTIZE, quantize);
    }
}
