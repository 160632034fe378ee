package dev.jllm.server.cli;

import dev.jllm.server.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code jllm serve}: its options become the server's configuration; a model that cannot load ends it. */
class ServeCommandTest {

    private static ServerConfig parse(String... args) {
        ServeCommand cmd = new ServeCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.config();
    }

    @Test
    void optionsBecomeTheConfiguration() {
        ServerConfig c = parse("--model", "/m/a.gguf", "--alias", "first", "--model", "/m/b.gguf", "--host", "0.0.0.0",
                "--port", "9000", "--threads", "2", "--ctx", "1024", "--kv-type", "q8_0", "--parallel", "3", "--api-key", "k",
                "--cors-origin", "https://a.example", "--cors-origin", "*", "--max-body-mb", "2");
        assertThat(c.models()).extracting(m -> m.instanceName()).containsExactly("first", "b");
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(9000);
        assertThat(c.threads()).isEqualTo(2);
        assertThat(c.contextSize()).isEqualTo(1024);
        assertThat(c.kvType()).isEqualTo("q8_0");
        assertThat(c.parallel()).isEqualTo(3);
        assertThat(c.apiKey()).isEqualTo("k");
        assertThat(c.corsOrigins()).containsExactly("https://a.example", "*");
        assertThat(c.maxBodyBytes()).isEqualTo(2L << 20);
    }

    @Test
    void defaultsListenOnLoopbackWithoutModels() {
        ServerConfig c = parse();
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.port()).isEqualTo(8080);
        assertThat(c.models()).isEmpty();
        assertThat(c.parallel()).isEqualTo(4);
        assertThat(c.kvType()).isEqualTo("auto");
        assertThat(c.corsOrigins()).isEmpty();
    }

    @Test
    void badValuesAreOneLineErrors() {
        for (List<String> args : List.of(List.of("serve", "--parallel", "0"), List.of("serve", "--port", "70000"),
                List.of("serve", "--model", "/x/a.gguf", "--model", "/y/a.gguf"), List.of("serve", "--kv-type", "q4_0"))) {
            ModelCommandsTest.Run r = ModelCommandsTest.run(args.toArray(String[]::new));
            assertThat(r.exit()).as(args.toString()).isEqualTo(1);
            assertThat(r.err().strip()).startsWith("jllm: ").doesNotContain("\n").doesNotContain("Exception");
        }
        assertThat(ModelCommandsTest.run("serve", "--kv-type", "q4_0").err())
                .contains("kv_type 'q4_0' is not a KV cache type; accepted: auto, f32, f16, q8_0");
    }

    @Test
    void aModelThatCannotLoadEndsTheServerWithTheReason(@TempDir Path home) {
        String before = System.getProperty("jllm.home");
        System.setProperty("jllm.home", home.toString());
        try {
            ModelCommandsTest.Run r = ModelCommandsTest.run("serve", "--port", "0", "--model",
                    home.resolve("missing.gguf").toString());
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.out()).contains("listening on http://127.0.0.1:");
            assertThat(r.err()).contains("cannot load model").contains("missing.gguf");
        } finally {
            if (before == null) {
                System.clearProperty("jllm.home");
            } else {
                System.setProperty("jllm.home", before);
            }
        }
    }
}
