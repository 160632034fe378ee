package dev.jllm.models.store;

import dev.jllm.models.hf.ModelFormat;

import java.nio.file.Path;
import java.util.List;

/**
 * A model in the store: its directory and its manifest.
 *
 * @param directory the model's directory, {@code MODELS/hf.co/OWNER/REPO/TAG}
 */
public record StoredModel(Path directory, ModelManifest manifest) {

    public String name() {
        return manifest.name();
    }

    /** What a loader opens: the GGUF file (the first part of a split one), or the safetensors directory. */
    public Path primaryPath() {
        return manifest.format() == ModelFormat.GGUF ? directory.resolve(manifest.primary()) : directory;
    }

    /** All files of the model, in the order the manifest lists them. */
    public List<Path> files() {
        return manifest.files().stream().map(f -> directory.resolve(f.path())).toList();
    }

    public long size() {
        return manifest.size();
    }
}
