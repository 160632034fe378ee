package dev.jllm.server.cli;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.hf.HfModelDirectory;
import dev.jllm.runtime.hf.GgufConversion;
import dev.jllm.runtime.hf.HfCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;

/** {@code jllm convert DIR --type TYPE --out FILE.gguf}: a Hugging Face checkpoint as an equivalent GGUF file. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Convert a Hugging Face model directory (config.json, safetensors, tokenizer.json) to a GGUF file.")
final class ConvertCommand extends PrintingCommand {

    @Parameters(index = "0", paramLabel = "DIR", description = "The Hugging Face model directory.")
    Path dir;

    @Option(names = "--type", defaultValue = "f16", paramLabel = "TYPE",
            description = "Weight type of the matrices: f32, f16, bf16, q8_0 or q4_0 (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "FILE", description = "The GGUF file to write.")
    Path out;

    @Option(names = "--force", description = "Overwrite FILE if it exists.")
    boolean force;

    @Override
    int run(PrintWriter o) throws IOException {
        GgmlType ggml = GgufConversion.TYPES.stream().filter(t -> t.name().equalsIgnoreCase(type)).findFirst()
                .orElseThrow(() -> new UserError("--type must be one of " + GgufConversion.TYPES.stream()
                        .map(t -> t.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")) + ", got '" + type + "'"));
        if (!HfModelDirectory.isModelDirectory(dir)) {
            throw new UserError(dir + " is not a Hugging Face model directory (no config.json)");
        }
        if (Files.exists(out) && !force) {
            throw new UserError(out + " exists; use --force to overwrite it");
        }
        long t0 = System.nanoTime();
        try (HfCheckpoint hf = HfCheckpoint.open(dir)) {
            GgufConversion.Summary s = GgufConversion.convert(hf, ggml, out);
            o.printf(Locale.ROOT, "wrote %s: %s, %d tensors (%s matrices%s), %.2f MiB in %.1f s%n", out,
                    hf.modelConfig().config().architecture().ggufName(), s.tensors(), ggml,
                    s.fallbackTensors() == 0 ? "" : ", " + s.fallbackTensors() + " as F16: rows not whole blocks",
                    s.bytes() / 1048576.0, (System.nanoTime() - t0) / 1e9);
        } catch (NoSuchFileException e) {
            throw new UserError(e.getFile() + " does not exist" + (e.getReason() == null ? "" : " (" + e.getReason() + ")"));
        } catch (ModelFormatException e) {
            throw new UserError("cannot convert " + dir + ": " + e.getMessage());
        }
        return 0;
    }
}
