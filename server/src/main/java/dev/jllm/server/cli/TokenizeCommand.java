package dev.jllm.server.cli;

import dev.jllm.api.json.Json;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.tokenizer.Tokenizer;
import dev.jllm.runtime.tokenizer.Tokenizers;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * {@code jllm tokenize}: a model's tokenizer on text, printed as JSON arrays of ids. The defaults (no BOS/EOS,
 * special-token text not parsed) are those of llama.cpp's tokenizer tests.
 */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = "Print the token ids of text as a JSON array (one per line with --jsonl).")
final class TokenizeCommand extends PrintingCommand {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model (or vocabulary) file.")
    String model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    static final class Input {
        @Option(names = "--text", paramLabel = "TEXT", description = "The text to tokenize.")
        String text;

        @Option(names = "--jsonl", description = "Read one JSON string per line from standard input; print one JSON array per line.")
        boolean jsonl;
    }

    @Option(names = "--add-special", description = "Add BOS/EOS as the model's metadata says (default: no).")
    boolean addSpecial;

    @Option(names = "--parse-special", description = "Recognise the text of special tokens such as <|im_end|> (default: no).")
    boolean parseSpecial;

    @Override
    int run(PrintWriter out) throws Exception {
        Tokenizer tokenizer;
        java.nio.file.Path path = ModelPaths.resolve(model);
        if (java.nio.file.Files.isDirectory(path)) {
            try (dev.jllm.runtime.hf.HfCheckpoint hf = dev.jllm.runtime.hf.HfCheckpoint.open(path)) {
                tokenizer = Tokenizers.fromVocab(hf.vocab());
            }
        } else {
            try (GgufFile g = GgufFile.open(path)) {
                tokenizer = Tokenizers.fromGguf(g);
            }
        }
        if (!input.jsonl) {
            out.println(ids(tokenizer.encode(input.text, addSpecial, parseSpecial)));
            return 0;
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        int lineNo = 0;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String text = null;
            if (line.strip().startsWith("\"")) {
                try {
                    text = Json.fromJson(line, String.class);
                } catch (RuntimeException e) {
                    text = null;
                }
            }
            if (text == null) {
                throw new UserError("line " + lineNo + " of standard input is not a JSON string");
            }
            out.println(ids(tokenizer.encode(text, addSpecial, parseSpecial)));
            out.flush();
        }
        return 0;
    }

    private static String ids(int[] ids) {
        return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]"));
    }
}
