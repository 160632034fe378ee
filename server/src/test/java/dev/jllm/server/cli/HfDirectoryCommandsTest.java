package dev.jllm.server.cli;

import dev.jllm.models.testing.TestData;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** jllm convert, and generate / show / tokenize given a Hugging Face directory instead of a GGUF file. */
class HfDirectoryCommandsTest {

    @TempDir
    Path dir;

    private static String hf() {
        return TestData.require("stories260K/hf").toString();
    }

    @Test
    void convertWritesAGgufThatGeneratesTheGoldenTokens() throws Exception {
        Path out = dir.resolve("stories.gguf");
        ModelCommandsTest.Run r = ModelCommandsTest.run("convert", hf(), "--type", "f32", "--out", out.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote").contains("llama").contains("F32");
        JsonObject g = ModelCommandsTest.golden(0);
        for (String model : new String[] {out.toString(), hf()}) {
            ModelCommandsTest.Run gen = ModelCommandsTest.run("generate", "--model", model, "--prompt", g.getString("prompt"),
                    "--max-tokens", "64", "--temperature", "0", "--threads", "1", "--format", "json");
            assertThat(gen.exit()).as(gen.err()).isZero();
            JsonObject o;
            try (JsonReader jr = jakarta.json.Json.createReader(new StringReader(gen.out()))) {
                o = jr.readObject();
            }
            assertThat(ModelCommandsTest.ints(o.getJsonArray("prompt_tokens")))
                    .isEqualTo(ModelCommandsTest.ints(g.getJsonArray("prompt_ids")));
            assertThat(ModelCommandsTest.ints(o.getJsonArray("tokens")))
                    .as(model).isEqualTo(ModelCommandsTest.ints(g.getJsonArray("generated_ids")));
        }
        ModelCommandsTest.Run again = ModelCommandsTest.run("convert", hf(), "--out", out.toString());
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("--force");
        ModelCommandsTest.Run q8 = ModelCommandsTest.run("convert", hf(), "--type", "q8_0", "--out", out.toString(), "--force");
        assertThat(q8.exit()).as(q8.err()).isZero();
        // stories260K's rows of 64 and 172: the 172-wide ffn_down rows are not whole blocks and fall back to F16
        assertThat(q8.out()).contains("Q8_0").contains("as F16");
    }

    @Test
    void convertRefusesBadArgumentsInOneLine() throws Exception {
        ModelCommandsTest.Run badType = ModelCommandsTest.run("convert", hf(), "--type", "q5_k", "--out", dir.resolve("x.gguf").toString());
        assertThat(badType.exit()).isEqualTo(1);
        assertThat(badType.err()).contains("--type must be one of f32, f16, bf16, q8_0, q4_0");
        ModelCommandsTest.Run notDir = ModelCommandsTest.run("convert", dir.toString(), "--out", dir.resolve("x.gguf").toString());
        assertThat(notDir.exit()).isEqualTo(1);
        assertThat(notDir.err()).contains("no config.json").doesNotContain("\tat ");
        Files.writeString(dir.resolve("config.json"), "{\"architectures\": [\"BertModel\"]}");
        Files.copy(TestData.require("stories260K/hf/model.safetensors"), dir.resolve("model.safetensors"));
        ModelCommandsTest.Run unsupported = ModelCommandsTest.run("convert", dir.toString(), "--out", dir.resolve("x.gguf").toString());
        assertThat(unsupported.exit()).isEqualTo(1);
        assertThat(unsupported.err()).contains("unsupported model class 'BertModel'");
    }

    @Test
    void benchRunsTheDirectory() throws Exception {
        ModelCommandsTest.Run r = ModelCommandsTest.run("bench", "--model", hf(), "-p", "8", "-n", "4", "-r", "1",
                "-t", "1", "--format", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> o = dev.jllm.api.json.Json.fromJson(r.out().strip(), java.util.Map.class);
        assertThat(o).containsEntry("type", "safetensors").containsKeys("pp", "tg");
        assertThat(((Number) ((java.util.Map<?, ?>) o.get("tg")).get("tps")).doubleValue()).isPositive();
    }

    @Test
    void showAndTokenizeReadTheDirectory() {
        ModelCommandsTest.Run show = ModelCommandsTest.run("show", hf());
        assertThat(show.exit()).as(show.err()).isZero();
        assertThat(show.out()).contains("LlamaForCausalLM").contains("context length").contains("2048")
                .contains("vocabulary").contains("512").contains("F32 x48");
        ModelCommandsTest.Run tok = ModelCommandsTest.run("tokenize", "--model", hf(), "--add-special", "--text", "Once upon a time");
        assertThat(tok.exit()).as(tok.err()).isZero();
        assertThat(tok.out().strip()).isEqualTo("[1,403,407,261,378]");
    }

    @Test
    void serveTakesAQuantizePerModel() {
        ServeCommand cmd = new ServeCommand();
        new picocli.CommandLine(cmd).parseArgs("--model", hf(), "--quantize", "q4_0", "--model", "/m/b.gguf");
        var specs = cmd.config().models();
        assertThat(specs.get(0).quantize()).isEqualTo("q4_0");
        assertThat(specs.get(1).quantize()).isNull();
        ServeCommand bad = new ServeCommand();
        new picocli.CommandLine(bad).parseArgs("--model", hf(), "--quantize", "f8");
        org.assertj.core.api.Assertions.assertThatThrownBy(bad::config).isInstanceOf(UserError.class)
                .hasMessageContaining("q8_0 or q4_0");
    }
}
