package dev.jllm.server.cli;

import dev.jllm.models.hf.HfModelDirectory;
import dev.jllm.models.store.ModelStore;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns a MODEL argument (a GGUF file, a Hugging Face model directory, or a model in the store) into a path, with
 * an error a user can act on.
 */
final class ModelPaths {
    private ModelPaths() {
    }

    /** A local file or a model already in the store; never downloads. */
    static Path resolve(String model) {
        Path p = Path.of(model);
        if (isModel(p)) {
            return p;
        }
        return ModelStore.openDefault().resolveLocal(model)
                .filter(ModelPaths::isModel)
                .orElseThrow(() -> new UserError("model '" + model + "' not found: give the path of a .gguf file or of "
                        + "a Hugging Face model directory, or pull it first with 'jllm pull " + model + "'"));
    }

    private static boolean isModel(Path p) {
        return Files.isRegularFile(p) || HfModelDirectory.isModelDirectory(p);
    }
}
