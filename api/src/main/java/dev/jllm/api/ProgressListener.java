package dev.jllm.api;

/** Receives the steps of a long operation. Called on the thread doing the work: keep it quick. */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores every event. */
    ProgressListener NONE = event -> { };

    void onProgress(ProgressEvent event);
}
