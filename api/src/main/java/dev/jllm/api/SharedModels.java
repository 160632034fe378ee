package dev.jllm.api;

import java.util.Locale;

/**
 * One {@link LlmService} per JVM for the framework integrations (LangChain4j, Spring AI...), so that the same
 * model used by two frameworks in one application is loaded once: each asks here for a model, and the model is
 * served on a shared {@code local} instance whose settings (threads, context) match. The service comes from
 * {@link LlmServices#fromEnvironment()}: in-process, or a proxy when {@code JLLM_SERVER_URL} is set. It is closed
 * when the JVM exits.
 */
public final class SharedModels {

    private static LlmService service;

    private SharedModels() {
    }

    /** The JVM's shared service, made on first use. */
    public static synchronized LlmService service() {
        if (service == null) {
            LlmService s = LlmServices.fromEnvironment();
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "jllm-shared-service-close"));
            service = s;
        }
        return service;
    }

    /**
     * Serves {@code model} (a GGUF file, a Hugging Face model directory, a store name or a Hugging Face reference,
     * pulled with progress when missing) on the shared local instance for these settings; a model already served
     * there is not loaded again.
     *
     * @param threads     engine threads, 0 for the default (physical cores)
     * @param contextSize context per sequence, 0 for the model's own
     * @param progress    told of pull and load steps; may be null
     */
    public static ModelHandle local(String model, int threads, int contextSize, ProgressListener progress) {
        if (model == null || model.isBlank()) {
            throw LlmException.invalid("a model is required: a .gguf file, a Hugging Face directory, a store name or"
                    + " a Hugging Face reference");
        }
        if (threads < 0 || contextSize < 0) {
            throw LlmException.invalid("threads and context size must not be negative");
        }
        LlmService s = service();
        String instance = String.format(Locale.ROOT, "shared-local-t%d-c%d", threads, contextSize);
        synchronized (SharedModels.class) {
            if (!s.has(instance)) {
                s.create(instance, LocalConfig.defaults().withThreads(threads).withContextSize(contextSize));
            }
        }
        s.serve(instance, model, progress == null ? ProgressListener.NONE : progress);
        return new ModelHandle(s, instance, model);
    }
}
