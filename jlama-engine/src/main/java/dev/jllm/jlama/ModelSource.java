package dev.jllm.jlama;

import dev.jllm.api.LlmException;
import dev.jllm.api.ProgressListener;
import dev.jllm.models.store.ModelResolver;
import dev.jllm.models.store.ModelStore;
import dev.jllm.models.store.ServePulls;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a model a jlama instance serves comes from: a directory as given, or jllm's model store (JLLM_HOME), pulling
 * a Hub reference ({@code owner/repo}) through jllm's own downloader (progress, resume, checksums).
 */
final class ModelSource {

    private final ModelResolver resolver;

    /** @param resolver null for the default store under JLLM_HOME */
    ModelSource(ModelResolver resolver) {
        this.resolver = resolver;
    }

    ModelResolver store() {
        return resolver != null ? resolver : ModelStore.openDefault();
    }

    /**
     * The store reference for what a user typed: a bare Hub repo ({@code owner/repo}, {@code hf.co/owner/repo})
     * means its safetensors model directory here, since jlama runs no GGUF ({@code :safetensors} in the store's
     * spelling, whose default for a bare repo is a GGUF file). Anything else as it is.
     */
    static String storeRef(String ref) {
        if (Files.exists(Path.of(ref)) || ref.contains(":")) {
            return ref;
        }
        String repo = ref.startsWith("hf.co/") ? ref.substring("hf.co/".length()) : ref;
        return repo.chars().filter(c -> c == '/').count() == 1 && !repo.startsWith("/") && !repo.endsWith("/")
                && !repo.startsWith(".") ? ref + ":safetensors" : ref;
    }

    /** Whether the model is here without a download (a path or a stored model). */
    boolean isLocal(String ref) {
        if (Files.exists(Path.of(ref))) {
            return true;
        }
        try {
            return store().resolveLocal(storeRef(ref)).isPresent();
        } catch (RuntimeException e) {
            return false; // not a model reference at all
        }
    }

    Path resolveOrPull(String model, ProgressListener progress) {
        Path p = Path.of(model);
        if (Files.exists(p)) {
            return p;
        }
        if (p.isAbsolute() || model.startsWith(".")) {
            throw LlmException.notFound("model directory " + model + " does not exist");
        }
        return ServePulls.resolveOrPull(store(), storeRef(model), model, progress);
    }
}
