package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.LoadFailure;
import dev.jllm.models.ModelFormatException;
import dev.jllm.models.UnsupportedModelException;
import dev.jllm.template.ChatTemplateException;

/**
 * Turns what went wrong while making a model ready into a {@link LlmException.Origin#MODEL_LOAD} failure with
 * its reason, so that callers can tell "this engine cannot run that architecture" (try another engine) from a
 * damaged file, a missing model or too little memory.
 */
final class LoadFailures {

    private LoadFailures() {
    }

    /** {@code e} as a model-load failure; cancellations and failures already classified pass unchanged. */
    static LlmException classify(LlmException e) {
        if (e.kind() == LlmException.Kind.CANCELLED || e.origin() == LlmException.Origin.MODEL_LOAD) {
            return e;
        }
        return e.asModelLoad(reasonOf(e));
    }

    /** An out-of-memory error while loading {@code model}. */
    static LlmException outOfMemory(String model, OutOfMemoryError e) {
        return LlmException.modelLoad(LoadFailure.OUT_OF_MEMORY, LlmException.Kind.UNAVAILABLE,
                "not enough memory to load " + model + " (" + e.getMessage() + "); raise -Xmx or choose a smaller"
                        + " model or quantization", null);
    }

    private static LoadFailure reasonOf(LlmException e) {
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof UnsupportedModelException) {
                return LoadFailure.UNSUPPORTED_ARCHITECTURE;
            }
            if (t instanceof ModelFormatException || t instanceof ChatTemplateException) {
                return LoadFailure.CORRUPT_FILE;
            }
            if (t instanceof OutOfMemoryError) {
                return LoadFailure.OUT_OF_MEMORY;
            }
        }
        if (e.kind() == LlmException.Kind.NOT_FOUND) {
            return LoadFailure.MODEL_NOT_FOUND;
        }
        String m = e.getMessage();
        if (m != null && m.contains("KV memory budget")) {
            return LoadFailure.OUT_OF_MEMORY;
        }
        return LoadFailure.OTHER;
    }
}
