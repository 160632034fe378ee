package dev.jllm.models.store;

import dev.jllm.models.hf.CancelToken;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns what a user typed ({@code jllm run REF}, {@code serve --model REF}, a request's model name) into a path a
 * loader can open: a GGUF file, or a safetensors model directory.
 */
public interface ModelResolver {

    /**
     * The model if it is here already (a local path, or a model in the store), without touching the network.
     *
     * @throws IllegalArgumentException if {@code ref} is not a valid reference
     * @throws ModelStoreException      if the reference matches several stored models
     */
    Optional<Path> resolveLocal(String ref);

    /** {@link #resolveLocal}, or else pulls the model into the store, reporting progress. */
    default Path resolveOrPull(String ref, PullListener listener) {
        return resolveOrPull(ref, listener, CancelToken.none());
    }

    /**
     * {@link #resolveLocal}, or else pulls the model, reporting progress; cancellable through {@code cancel} or by
     * interrupting the thread (a {@link dev.jllm.models.hf.DownloadCancelledException} then; what was downloaded
     * is kept for a resume).
     *
     * @throws dev.jllm.models.hf.HubException if the pull fails (the reason says why)
     */
    Path resolveOrPull(String ref, PullListener listener, CancelToken cancel);
}
