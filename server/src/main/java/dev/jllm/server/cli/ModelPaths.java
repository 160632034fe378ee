package dev.jllm.server.cli;

import dev.jllm.models.store.ModelStore;

import java.nio.file.Files;
import java.nio.file.Path;

/** Turns a MODEL argument (a file, or a model in the store) into a file, with an error a user can act on. */
final class ModelPaths {
    private ModelPaths() {
    }

    /** A local file or a model already in the store; never downloads. */
    static Path resolve(String model) {
        Path p = Path.of(model);
        if (Files.isRegularFile(p)) {
            return p;
        }
        return ModelStore.openDefault().resolveLocal(model)
                .filter(Files::isRegularFile)
                .orElseThrow(() -> new UserError("model '" + model + "' not found: give the path of a .gguf file, "
                        + "or pull it first with 'jllm pull " + model + "'"));
    }
}
