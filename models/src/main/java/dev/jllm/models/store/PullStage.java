package dev.jllm.models.store;

/** Where a pull is: what a progress bar shows before the bytes. */
public enum PullStage {
    /** Listing the repo and picking the files. */
    RESOLVING,
    /** Downloading (bytes move; a resumed file starts at what its {@code .part} held). */
    DOWNLOADING,
    /** All bytes are down and verified; reading the model's metadata and writing the store's manifest. */
    FINISHING,
    /** The model is in the store. */
    DONE
}
