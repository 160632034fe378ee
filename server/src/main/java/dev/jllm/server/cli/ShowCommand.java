package dev.jllm.server.cli;

import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.gguf.GgufSummary;
import dev.jllm.runtime.model.ArchParams;
import dev.jllm.runtime.model.ModelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code jllm show MODEL}: what is in a model file, like {@code ollama show}. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show a model's architecture, size, context length, weight types, tokenizer and template.")
final class ShowCommand extends PrintingCommand {

    @Parameters(index = "0", paramLabel = "MODEL", description = "Path to a GGUF model file or a Hugging Face model directory.")
    String model;

    @Override
    int run(PrintWriter out) throws Exception {
        java.nio.file.Path path = ModelPaths.resolve(model);
        if (java.nio.file.Files.isDirectory(path)) {
            try {
                HfShow.print(path, out);
            } catch (dev.jllm.models.ModelFormatException e) {
                // a model the local engine cannot run may still run on jlama: say both
                out.println("  Model");
                row(out, "local engine", "cannot run it: " + e.getMessage());
            }
            out.println();
            out.println("  jlama");
            row(out, "kernels", dev.jllm.jlama.JlamaEngine.kernels());
            row(out, "runs here", dev.jllm.jlama.JlamaEngine.whyNot(path).map(why -> "no: " + why).orElse("yes"));
            return 0;
        }
        try (GgufFile g = GgufFile.open(path)) {
            GgufSummary s = GgufSummary.of(g);
            out.println("  Model");
            row(out, "name", s.name());
            row(out, "architecture", s.architecture());
            row(out, "parameters", s.parametersHuman() + " (" + s.parameters() + ")");
            row(out, "context length", Long.toString(s.contextLength()));
            row(out, "embedding length", Long.toString(s.embeddingLength()));
            row(out, "layers", Long.toString(s.blockCount()));
            row(out, "attention heads", s.headCount() + " (" + s.headCountKv() + " for keys/values)");
            architectureRows(g, out);
            row(out, "quantization", s.fileType() == null ? "none" : s.fileType().name());
            row(out, "weight types", s.weightTypes().entrySet().stream()
                    .map((Map.Entry<GgmlType, Integer> e) -> e.getKey() + " x" + e.getValue())
                    .collect(Collectors.joining(", ")));
            row(out, "file size", String.format(java.util.Locale.ROOT, "%.2f MiB", s.fileBytes() / 1048576.0));
            out.println();
            out.println("  Tokenizer");
            row(out, "model", s.tokenizerModel());
            row(out, "pre-tokenizer", s.tokenizerPre());
            row(out, "vocabulary", Integer.toString(s.vocabSize()));
            row(out, "chat template", dev.jllm.runtime.model.Architecture.isEncoder(s.architecture())
                    ? "none (an embedding model)" : chatTemplate(g));
            out.flush();
        }
        return 0;
    }

    /** Experts and attention windows as the engine will run them (nothing for a file it cannot run). */
    private static void architectureRows(GgufFile g, PrintWriter out) {
        ModelConfig c;
        try {
            c = ModelConfig.fromGguf(g);
        } catch (RuntimeException e) {
            row(out, "runs here", "no: " + e.getMessage());
            return;
        }
        if (c.architecture().encoder()) {
            row(out, "embedding model", "yes: embeddings only (no chat or completion), pooling "
                    + dev.jllm.runtime.model.EncoderModel.poolingOf(g, c.architecture()).cliName()
                    + " (" + c.architecture().ggufName() + ".pooling_type), normalized");
        }
        ArchParams p = c.params();
        if (p.hasExperts()) {
            row(out, "experts", p.expertCount() + " per layer, " + p.expertUsedCount() + " active per token, FFN "
                    + p.expertFeedForward() + " each");
        }
        if (p.slidingWindow() > 0) {
            boolean[] swa = p.swaLayers();
            int local = 0;
            for (boolean b : swa) {
                local += b ? 1 : 0;
            }
            row(out, "sliding window", p.slidingWindow() + " positions on " + local + " of " + swa.length
                    + " layers (the others attend to the whole context)");
        } else if (g.has(c.architecture().ggufName() + ".attention.sliding_window")) {
            row(out, "sliding window", "none (the file sets " + g.integer(c.architecture().ggufName()
                    + ".attention.sliding_window", 0) + "; llama.cpp ignores it for " + c.architecture().ggufName() + ")");
        }
        if (c.ropeDimensions() < c.keyLength()) {
            row(out, "rotary dimensions", c.ropeDimensions() + " of " + c.keyLength() + " per head");
        }
    }

    /** Whether the file's chat template is used: it is tried as a load would, within its render budget. */
    private static String chatTemplate(GgufFile g) {
        String source = g.string("tokenizer.chat_template", null);
        if (source == null) {
            return "no (a default is used)";
        }
        try {
            dev.jllm.template.ChatTemplate.of(source, null, null);
            return "yes";
        } catch (dev.jllm.template.ChatTemplateException e) {
            return "not used, a generic one is (" + e.getMessage() + ")";
        }
    }

    static void row(PrintWriter out, String key, String value) {
        out.printf("    %-20s %s%n", key, value);
    }
}
