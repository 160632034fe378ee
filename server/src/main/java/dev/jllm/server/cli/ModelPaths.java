package dev.jllm.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Turns a MODEL argument into a file, with an error a user can act on. */
final class ModelPaths {
    private ModelPaths() {
    }

    static Path resolve(String model) {
        Path p = Path.of(model);
        if (Files.isRegularFile(p)) {
            return p;
        }
        throw new UserError("model '" + model + "' not found: give the path of a .gguf file");
    }
}
