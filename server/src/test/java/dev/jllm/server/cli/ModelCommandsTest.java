package dev.jllm.server.cli;

import dev.jllm.api.json.Json;
import dev.jllm.models.testing.TestData;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The contracts of jllm generate, tokenize and show, run as a user runs them (through picocli). */
class ModelCommandsTest {

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cmd = JllmCli.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static String model() {
        return TestData.require("stories260K/stories260K.gguf").toString();
    }

    static JsonObject golden(int index) throws Exception {
        String line = Files.readAllLines(TestData.require("stories260K/golden.jsonl"), StandardCharsets.UTF_8).get(index);
        try (JsonReader r = jakarta.json.Json.createReader(new StringReader(line))) {
            return r.readObject();
        }
    }

    static List<Integer> ints(JsonArray a) {
        return a.stream().map(v -> ((jakarta.json.JsonNumber) v).intValue()).toList();
    }

    @Test
    void generateJsonFollowsTheContractAndMatchesLlamaCpp() throws Exception {
        for (int i : new int[] {0, 3}) {
            JsonObject g = golden(i);
            Run r = run("generate", "--model", model(), "--prompt", g.getString("prompt"), "--max-tokens", "64",
                    "--temperature", "0", "--threads", "1", "--format", "json");
            assertThat(r.exit()).as(r.err()).isZero();
            @SuppressWarnings("unchecked")
            Map<String, Object> o = Json.fromJson(r.out().strip(), Map.class);
            assertThat(o).containsOnlyKeys("prompt_tokens", "tokens", "text", "finish_reason");
            assertThat(((List<?>) o.get("prompt_tokens")).stream().map(x -> ((Number) x).intValue()).toList())
                    .isEqualTo(ints(g.getJsonArray("prompt_ids")));
            assertThat(((List<?>) o.get("tokens")).stream().map(x -> ((Number) x).intValue()).toList())
                    .isEqualTo(ints(g.getJsonArray("generated_ids")));
            assertThat(o.get("text")).isEqualTo(g.getString("generated_text"));
            assertThat(o.get("finish_reason")).isEqualTo("length");
        }
    }

    @Test
    void generateTextStreamsTheContinuation() throws Exception {
        JsonObject g = golden(0);
        Run r = run("generate", "-m", model(), "-p", g.getString("prompt"), "-n", "64", "--temperature", "0");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(g.getString("generated_text") + System.lineSeparator());
        assertThat(r.err()).contains("64 generated");
    }

    @Test
    void tokenizeDefaultsToNoSpecialTokens() throws Exception {
        JsonObject g = golden(0);
        List<Integer> withBos = ints(g.getJsonArray("prompt_ids"));
        Run plain = run("tokenize", "--model", model(), "--text", g.getString("prompt"));
        assertThat(plain.out().strip()).isEqualTo(withBos.subList(1, withBos.size()).toString().replace(" ", ""));
        Run special = run("tokenize", "--model", model(), "--text", g.getString("prompt"), "--add-special");
        assertThat(special.out().strip()).isEqualTo(withBos.toString().replace(" ", ""));
    }

    @Test
    void tokenizeJsonlReadsOneStringPerLine() throws Exception {
        InputStream old = System.in;
        try {
            System.setIn(new ByteArrayInputStream("\"Once upon a time\"\n\"\"\n\"é\\n\"\n".getBytes(StandardCharsets.UTF_8)));
            Run r = run("tokenize", "--model", model(), "--jsonl");
            assertThat(r.exit()).as(r.err()).isZero();
            List<String> lines = r.out().lines().toList();
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).isEqualTo("[403,407,261,378]");
            assertThat(lines.get(1)).isEqualTo("[]");
            assertThat(lines.get(2)).startsWith("[").endsWith("]");
            System.setIn(new ByteArrayInputStream("not json\n".getBytes(StandardCharsets.UTF_8)));
            Run bad = run("tokenize", "--model", model(), "--jsonl");
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err()).contains("line 1").contains("not a JSON string");
        } finally {
            System.setIn(old);
        }
    }

    @Test
    void showDescribesTheModel() {
        Run r = run("show", model());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("architecture").contains("llama").contains("context length").contains("2048")
                .contains("F32").contains("vocabulary").contains("512");
    }

    @Test
    void showDescribesExpertsWindowsAndPartialRotary(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path moe = dir.resolve("moe.gguf");
        java.nio.file.Path gemma = dir.resolve("gemma.gguf");
        java.nio.file.Path phi = dir.resolve("phi.gguf");
        assertThat(run("synth", "--shape", "qwen3moe-small", "--type", "F32", "--out", moe.toString()).exit()).isZero();
        assertThat(run("synth", "--shape", "gemma3-small", "--type", "F32", "--out", gemma.toString()).exit()).isZero();
        assertThat(run("synth", "--shape", "phi3-small", "--type", "F32", "--out", phi.toString()).exit()).isZero();
        assertThat(run("show", moe.toString()).out()).contains("experts              8 per layer, 2 active per token, FFN 64 each");
        assertThat(run("show", gemma.toString()).out()).contains("sliding window       6 positions on 3 of 4 layers");
        assertThat(run("show", phi.toString()).out()).contains("rotary dimensions    8 of 16 per head");
    }

    @Test
    void generateAndRunRefuseTheSameEngineSettingsInTheSameWords() {
        for (String command : new String[] {"generate", "run"}) {
            String[] model = command.equals("generate") ? new String[] {"--model", model(), "--prompt", "Once"}
                    : new String[] {model(), "Once", "--local"};
            Run negative = run(concat(new String[] {command, "--threads", "-1"}, model));
            assertThat(negative.exit()).as(command).isEqualTo(1);
            assertThat(negative.err()).as(command).contains("--threads and --ctx must not be negative");
            Run quantize = run(concat(new String[] {command, "--quantize", "q5_k"}, model));
            assertThat(quantize.exit()).as(command).isEqualTo(1);
            assertThat(quantize.err()).as(command).contains("--quantize").contains("q5_k");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void missingAndMalformedModelsAreOneLineErrors() throws Exception {
        Run missing = run("generate", "-m", "/nonexistent/model.gguf", "-p", "x");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).startsWith("jllm: ").contains("not found").doesNotContain("Exception").doesNotContain("\tat ");
        java.nio.file.Path bad = Files.createTempFile("bad", ".gguf");
        try {
            Files.write(bad, new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0});
            Run malformed = run("show", bad.toString());
            assertThat(malformed.exit()).isEqualTo(1);
            assertThat(malformed.err()).startsWith("jllm: ").contains("truncated").doesNotContain("\tat ");
        } finally {
            Files.delete(bad);
        }
    }
}
