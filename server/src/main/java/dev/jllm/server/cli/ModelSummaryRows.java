package dev.jllm.server.cli;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.gguf.GgufSummary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The main facts of a local model ({@code jllm show}'s first rows) for {@code /show info} in {@code jllm run}. */
final class ModelSummaryRows {
    private ModelSummaryRows() {
    }

    /** Empty when the model is not a local GGUF file or a model in the store (e.g. a name only a server knows). */
    static Map<String, String> of(String model) {
        Map<String, String> rows = new LinkedHashMap<>();
        Path path;
        try {
            path = ModelPaths.resolve(model);
        } catch (UserError | IllegalArgumentException e) {
            return rows;
        }
        if (Files.isDirectory(path)) {
            rows.put("format", "Hugging Face directory (jllm show " + model + " for details)");
            return rows;
        }
        try (GgufFile g = GgufFile.open(path)) {
            GgufSummary s = GgufSummary.of(g);
            rows.put("architecture", s.architecture());
            rows.put("parameters", s.parametersHuman());
            rows.put("context length", Long.toString(s.contextLength()));
            rows.put("quantization", s.fileType() == null ? "none" : s.fileType().name());
            rows.put("file size", String.format(Locale.ROOT, "%.2f MiB", s.fileBytes() / 1048576.0));
        } catch (IOException | RuntimeException e) {
            rows.put("file", path + " (unreadable: " + e.getMessage() + ")");
        }
        return rows;
    }
}
