package dev.jllm.jlama;

import com.github.tjake.jlama.tensor.operations.TensorOperationsProvider;
import com.github.tjake.jlama.util.MachineSpec;
import com.github.tjake.jlama.util.PhysicalCoreExecutor;
import dev.jllm.api.LlmException;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What jlama keeps once per JVM: its kernels (native SIMD from {@code jlama-native} when that jar is on the class
 * path and its library loads on this CPU, else its pure-Java Vector API kernels), its worker pool, and its logging.
 * Set up here before jlama's classes first run.
 */
final class JlamaRuntime {

    /** {@code -Djllm.jlama.native=false} keeps jlama on its pure-Java kernels even when jlama-native is present. */
    static final String NATIVE_PROPERTY = "jllm.jlama.native";

    // jlama logs through SLF4J (java.util.logging in the jllm application): per-load INFO lines and a warning when
    // jlama-native is absent, which jllm reports itself in info(). Held strongly: JUL forgets unreferenced loggers.
    private static final Logger JLAMA_LOG = Logger.getLogger("com.github.tjake");
    private static final Logger JLAMA_KERNEL_LOG =
            Logger.getLogger("com.github.tjake.jlama.tensor.operations.TensorOperationsProvider");

    private static boolean initialised;

    private JlamaRuntime() { }

    static synchronized void init() {
        if (initialised) {
            return;
        }
        if (JLAMA_LOG.getLevel() == null) {
            JLAMA_LOG.setLevel(Level.WARNING);
        }
        if (JLAMA_KERNEL_LOG.getLevel() == null) {
            JLAMA_KERNEL_LOG.setLevel(Level.SEVERE);
        }
        if ("false".equalsIgnoreCase(System.getProperty(NATIVE_PROPERTY))) {
            System.setProperty("jlama.force_panama_tensor_operations", "true");
        }
        initialised = true;
    }

    /** Whether jlama runs its native kernels (jlama-native loaded) rather than pure Java. */
    static boolean nativeKernels() {
        return TensorOperationsProvider.get().name().toLowerCase(java.util.Locale.ROOT).contains("native");
    }

    /** "native (jlama-native, ...)" or "java (Vector API, ...)": what {@code info()} and {@code jllm show} report. */
    static String kernels() {
        String width = switch (MachineSpec.VECTOR_TYPE) {
            case AVX_512 -> "512-bit";
            case AVX_256 -> "256-bit";
            case ARM_128 -> "128-bit";
            case NONE -> "scalar";
        };
        return nativeKernels() ? "native (jlama-native, " + width + ")" : "java (Vector API, " + width + ")";
    }

    /**
     * The float lanes jlama's kernels work in: head dimensions must be a multiple (measured: stories260K's head_dim 8
     * crashes jlama's 512-bit Java kernels and gives wrong tokens with the native ones; the 256-bit Java kernels
     * reproduce llama.cpp's tokens).
     */
    static int lanes() {
        if (nativeKernels()) {
            return 16;
        }
        return switch (MachineSpec.VECTOR_TYPE) {
            case AVX_512 -> 16;
            case AVX_256 -> 8;
            case ARM_128 -> 4;
            case NONE -> 1;
        };
    }

    /**
     * Sets jlama's worker count. jlama has one pool per JVM, started on first use: a later instance asking for
     * another count is refused rather than silently given the running one.
     */
    static synchronized int threads(int wanted) {
        if (wanted > 0) {
            try {
                PhysicalCoreExecutor.overrideThreadCount(wanted);
            } catch (IllegalStateException started) {
                int running = PhysicalCoreExecutor.instance.get().getCoreCount();
                if (running != wanted) {
                    throw LlmException.invalid("jlama runs one worker pool per process, already started with "
                            + running + " threads; threads=" + wanted + " cannot be honoured (use 0 or " + running + ")");
                }
            }
        }
        return PhysicalCoreExecutor.instance.get().getCoreCount();
    }
}
