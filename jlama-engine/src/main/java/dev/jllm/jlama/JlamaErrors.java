package dev.jllm.jlama;

import dev.jllm.api.LlmException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** jlama's exceptions as the {@link LlmException}s users see: one clear message, the kind by what went wrong. */
final class JlamaErrors {

    private JlamaErrors() { }

    /** A failure inside jlama's load. */
    static LlmException load(Path dir, Throwable e) {
        Throwable root = rootCause(e);
        String what = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (root instanceof OutOfMemoryError) {
            return new LlmException(LlmException.Kind.UNAVAILABLE, "not enough memory to load " + dir + " with jlama", e);
        }
        if (root instanceof IOException || root instanceof UncheckedIOException) {
            return new LlmException(LlmException.Kind.UNAVAILABLE, "jlama cannot read " + dir + ": " + what, e);
        }
        // jlama reports an unknown model_type as "No enum constant ...ModelType.X", a malformed config or missing
        // weights as IllegalArgumentException or a Jackson error: all mean "jlama cannot run this model".
        if (what.startsWith("No enum constant")) {
            what = "unsupported architecture (jlama runs model_type gemma, gemma2, mistral, granite, mixtral, llama,"
                    + " gpt2, bert, qwen2): " + what.substring(what.lastIndexOf('.') + 1);
        }
        return new LlmException(LlmException.Kind.INVALID_REQUEST, "jlama cannot load " + dir + ": " + what, e);
    }

    /** A failure inside jlama during a generation: the engine's fault, not the request's. */
    static LlmException generation(String model, Throwable e) {
        if (e instanceof LlmException l) {
            return l;
        }
        Throwable root = rootCause(e);
        if (root instanceof OutOfMemoryError) {
            return new LlmException(LlmException.Kind.UNAVAILABLE, "jlama ran out of memory generating with " + model, e);
        }
        return new LlmException(LlmException.Kind.INTERNAL, "jlama failed generating with " + model + ": "
                + (root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage()), e);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }
}
