package dev.jllm.jlama;

import dev.jllm.api.LlmException;
import dev.jllm.api.ProgressEvent;
import dev.jllm.api.ProgressListener;
import dev.jllm.models.hf.HubException;
import dev.jllm.models.store.ModelResolver;
import dev.jllm.models.store.ModelStore;
import dev.jllm.models.store.ModelStoreException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CancellationException;

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
        try {
            return store().resolveOrPull(storeRef(model), pp -> progress.onProgress(new ProgressEvent(
                    "downloading", pp.file() == null ? pp.stage().name().toLowerCase(Locale.ROOT) : pp.file(),
                    pp.bytesDone(), Math.max(pp.bytesTotal(), pp.bytesDone()),
                    pp.bytesTotal() > 0 ? Math.min(100.0, 100.0 * pp.bytesDone() / pp.bytesTotal()) : -1)));
        } catch (HubException e) {
            LlmException.Kind kind = switch (e.reason()) {
                case NOT_FOUND, NO_MATCH -> LlmException.Kind.NOT_FOUND;
                case ACCESS_DENIED -> LlmException.Kind.PERMISSION;
                case NETWORK, DISK_SPACE -> LlmException.Kind.UNAVAILABLE;
                default -> LlmException.Kind.UPSTREAM;
            };
            throw new LlmException(kind, e.getMessage(), e);
        } catch (ModelStoreException e) {
            throw new LlmException(LlmException.Kind.INVALID_REQUEST, e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new LlmException(LlmException.Kind.NOT_FOUND, "model '" + model + "' not found: " + e.getMessage(), e);
        } catch (CancellationException e) {
            throw new LlmException(LlmException.Kind.CANCELLED, "serve of " + model + " was cancelled", e);
        }
    }
}
