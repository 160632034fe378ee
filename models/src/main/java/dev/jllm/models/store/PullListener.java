package dev.jllm.models.store;

/**
 * Receives a pull's progress: stage changes, and byte counts at most a few times a second. Called on the
 * downloading thread, so it must return quickly and must not throw.
 */
@FunctionalInterface
public interface PullListener {
    PullListener NONE = p -> { };

    void onProgress(PullProgress progress);
}
