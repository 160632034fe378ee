package dev.jllm.server.cli;

import dev.jllm.models.hf.HfModelDirectory;
import dev.jllm.models.safetensors.SafetensorsDType;
import dev.jllm.runtime.hf.HfCheckpoint;
import dev.jllm.runtime.model.ModelConfig;
import dev.jllm.runtime.tokenizer.VocabData;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** {@code jllm show} for a Hugging Face model directory: the same sections as for a GGUF file. */
final class HfShow {
    private HfShow() {
    }

    static void print(Path dir, PrintWriter out) throws IOException {
        try (HfCheckpoint hf = HfCheckpoint.open(dir)) {
            ModelConfig c = hf.modelConfig().config();
            long parameters = 0;
            Map<SafetensorsDType, Integer> types = new TreeMap<>();
            for (HfModelDirectory.TensorRef t : hf.directory().tensors().values()) {
                parameters += t.info().elements();
                types.merge(t.info().dtype(), 1, Integer::sum);
            }
            out.println("  Model");
            ShowCommand.row(out, "name", dir.getFileName() == null ? dir.toString() : dir.getFileName().toString());
            ShowCommand.row(out, "architecture", c.architecture().ggufName() + " ("
                    + hf.directory().config().getJsonArray("architectures").getString(0) + ", Hugging Face safetensors)");
            ShowCommand.row(out, "parameters", String.format(Locale.ROOT, "%.2fM (%d)", parameters / 1e6, parameters));
            ShowCommand.row(out, "context length", Integer.toString(c.contextLength()));
            ShowCommand.row(out, "embedding length", Integer.toString(c.embeddingLength()));
            ShowCommand.row(out, "layers", Integer.toString(c.blockCount()));
            ShowCommand.row(out, "attention heads", c.headCount() + " (" + c.headCountKv() + " for keys/values)");
            ShowCommand.row(out, "quantization", "none");
            ShowCommand.row(out, "weight types", types.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
                    .collect(Collectors.joining(", ")));
            ShowCommand.row(out, "file size", String.format(Locale.ROOT, "%.2f MiB", hf.directory().weightBytes() / 1048576.0));
            out.println();
            out.println("  Tokenizer");
            VocabData v = hf.vocab();
            ShowCommand.row(out, "model", v.model());
            ShowCommand.row(out, "pre-tokenizer", v.pre() == null ? "default" : v.pre());
            ShowCommand.row(out, "vocabulary", Integer.toString(v.tokens().length));
            ShowCommand.row(out, "chat template", hf.chatTemplate().isPresent() ? "yes" : "no (a default is used)");
            out.flush();
        }
    }
}
