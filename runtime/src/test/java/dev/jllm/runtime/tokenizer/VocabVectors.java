package dev.jllm.runtime.tokenizer;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.testing.TestData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** llama.cpp's tokenizer test vectors for one vocabulary (testdata/vocab, see its README). */
record VocabVectors(String name, Tokenizer tokenizer, List<String> inputs, List<int[]> expected) {
    private static final byte[] SEPARATOR = "\n__ggml_vocab_test__\n".getBytes(StandardCharsets.UTF_8);

    static Tokenizer tokenizer(String name) throws IOException {
        Path gguf = TestData.require("vocab/ggml-vocab-" + name + ".gguf");
        try (GgufFile f = GgufFile.open(gguf)) {
            return Tokenizers.fromGguf(f);
        }
    }

    static VocabVectors load(String name) throws IOException {
        Tokenizer tok = tokenizer(name);
        Path inp = TestData.require("vocab/ggml-vocab-" + name + ".gguf.inp");
        Path out = TestData.require("vocab/ggml-vocab-" + name + ".gguf.out");
        List<String> inputs = splitInputs(Files.readAllBytes(inp));
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        List<int[]> expected = new ArrayList<>();
        for (String line : lines) {
            String t = line.strip();
            expected.add(t.isEmpty() ? new int[0] : Arrays.stream(t.split(" +")).mapToInt(Integer::parseInt).toArray());
        }
        if (expected.size() != inputs.size()) {
            throw new IllegalStateException(name + ": " + inputs.size() + " inputs but " + expected.size() + " outputs");
        }
        return new VocabVectors(name, tok, inputs, expected);
    }

    /** Splits on the separator bytes exactly; the piece after the last separator is empty and dropped. */
    static List<String> splitInputs(byte[] data) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 0; i + SEPARATOR.length <= data.length; ) {
            if (Arrays.equals(data, i, i + SEPARATOR.length, SEPARATOR, 0, SEPARATOR.length)) {
                pieces.add(new String(data, start, i - start, StandardCharsets.UTF_8));
                i += SEPARATOR.length;
                start = i;
            } else {
                i++;
            }
        }
        if (start != data.length) {
            throw new IllegalStateException("input file does not end with the separator");
        }
        return pieces;
    }
}
