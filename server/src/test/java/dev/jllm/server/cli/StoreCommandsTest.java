package dev.jllm.server.cli;

import com.sun.net.httpserver.HttpServer;
import dev.jllm.models.gguf.GgmlType;
import dev.jllm.models.gguf.GgufWriter;
import dev.jllm.models.hf.HubClient;
import dev.jllm.models.hf.HubConfig;
import dev.jllm.models.store.ModelStore;
import dev.jllm.models.store.PullProgress;
import dev.jllm.models.store.PullStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code jllm pull / ls / rm} against a one-repo local Hub, through picocli as a user runs them. */
class StoreCommandsTest {
    @TempDir
    Path dir;
    HttpServer server;
    byte[] model;
    ModelStore store;
    volatile boolean dropMidFile;

    @BeforeEach
    void setUp() throws Exception {
        Path tmp = dir.resolve("m.gguf");
        new GgufWriter().putString("general.architecture", "llama")
                .addTensor("w", GgmlType.Q8_0, new long[] {4096, 64}, MemorySegment.ofArray(new byte[34 * 128 * 64]))
                .write(tmp);
        model = Files.readAllBytes(tmp);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(model));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/models/acme/Tiny-GGUF/tree/main", ex -> {
            byte[] b = ("[{\"type\":\"file\",\"oid\":\"" + "0".repeat(40) + "\",\"size\":" + model.length
                    + ",\"path\":\"Tiny-Q8_0.gguf\",\"lfs\":{\"oid\":\"" + sha + "\",\"size\":" + model.length
                    + "}}]").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        server.createContext("/acme/Tiny-GGUF/resolve/main/Tiny-Q8_0.gguf", ex -> {
            ex.sendResponseHeaders(200, model.length);
            // a dropped connection: half the file, then the socket closes
            ex.getResponseBody().write(model, 0, dropMidFile ? model.length / 2 : model.length);
            ex.close();
        });
        server.start();
        store = new ModelStore(dir.resolve("models"), new HubClient(HubConfig.of(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), null)), n -> false);
    }

    @AfterEach
    void tearDown() {
        server.stop(0);
    }

    private String run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        cl.setExecutionExceptionHandler((e, c, p) -> {
            c.getErr().println("jllm: " + e.getMessage());
            return 1;
        });
        int rc = cl.execute(args);
        return rc + "\n" + out + err;
    }

    @Test
    void pullListAndRemoveAModel() throws Exception {
        PullCommand pull = new PullCommand();
        pull.stores = () -> store;
        String pulled = run(pull, "hf.co/acme/Tiny-GGUF:Q8_0");
        // Not a terminal here: plain lines, no carriage returns.
        assertThat(pulled).startsWith("0\n").contains("resolving hf.co/acme/Tiny-GGUF:Q8_0")
                .contains("downloading Tiny-Q8_0.gguf").contains("pulled hf.co/acme/Tiny-GGUF:Q8_0")
                .contains("model file: ").doesNotContain("\r");
        Path file = dir.resolve("models/hf.co/acme/Tiny-GGUF/Q8_0/Tiny-Q8_0.gguf");
        assertThat(Files.readAllBytes(file)).isEqualTo(model);

        ListCommand ls = new ListCommand();
        ls.stores = () -> store;
        String listed = run(ls);
        String[] lines = listed.split("\n");
        assertThat(lines[1]).matches("NAME +SIZE +QUANTIZATION +ARCHITECTURE +PULLED");
        assertThat(lines[2]).matches("hf\\.co/acme/Tiny-GGUF:Q8_0 +\\d+(\\.\\d)? KiB +Q8_0 +llama +just now");

        RmCommand rm = new RmCommand();
        rm.stores = () -> store;
        assertThat(run(rm, "../models")).startsWith("1\n").contains("jllm: refusing '../models'");
        assertThat(run(rm, "/etc")).startsWith("1\n").contains("outside the model store");
        assertThat(file).exists();
        assertThat(run(rm, "acme/Tiny-GGUF:Q8_0")).startsWith("0\n")
                .contains("deleted hf.co/acme/Tiny-GGUF:Q8_0");
        assertThat(file).doesNotExist();
        assertThat(run(ls)).contains("no models in");
    }

    @Test
    void aPullThatStoppedMidFileIsListedAsPartialAndRemovable() {
        ModelStore flaky = new ModelStore(dir.resolve("models"), new HubClient(HubConfig.of(
                URI.create("http://127.0.0.1:" + server.getAddress().getPort()), null)
                .withRetries(2, java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(10))), n -> false);
        dropMidFile = true;
        PullCommand pull = new PullCommand();
        pull.stores = () -> flaky;
        assertThat(run(pull, "acme/Tiny-GGUF:Q8_0")).startsWith("1\n").contains("run the pull again to resume");

        ListCommand ls = new ListCommand();
        ls.stores = () -> flaky;
        String[] lines = run(ls).split("\n");
        assertThat(lines[2]).matches("hf\\.co/acme/Tiny-GGUF:Q8_0 +\\d+(\\.\\d)? KiB +- +- +partial, (49|50)% — resume"
                + " with jllm pull hf\\.co/acme/Tiny-GGUF:Q8_0");

        RmCommand rm = new RmCommand();
        rm.stores = () -> flaky;
        assertThat(run(rm, "hf.co/acme/Tiny-GGUF:Q8_0")).startsWith("0\n")
                .contains("deleted partial pull hf.co/acme/Tiny-GGUF:Q8_0");
        assertThat(run(ls)).contains("no models in");
        assertThat(dir.resolve("models/hf.co")).doesNotExist();
    }

    @Test
    void pullErrorsAreOneLine() {
        PullCommand pull = new PullCommand();
        pull.stores = () -> store;
        String out = run(pull, "acme/Tiny-GGUF:Q2_K");
        assertThat(out).startsWith("1\n").contains("jllm: hf.co/acme/Tiny-GGUF:Q2_K: the repo has no GGUF file with "
                + "quantization Q2_K; available: Q8_0 (Tiny-Q8_0.gguf");
    }

    @Test
    void terminalProgressRedrawsOneLine() {
        StringWriter s = new StringWriter();
        PullProgressPrinter p = new PullProgressPrinter(new PrintWriter(s), true, 100);
        p.onProgress(new PullProgress(PullStage.RESOLVING, "hf.co/a/b", null, 0, 0, 0, -1));
        p.onProgress(new PullProgress(PullStage.DOWNLOADING, "hf.co/a/b:Q4_K_M", "dir/m.gguf", 512L << 20,
                2048L << 20, 32 << 20, 48));
        p.onProgress(new PullProgress(PullStage.DOWNLOADING, "hf.co/a/b:Q4_K_M", "dir/m.gguf", 1024L << 20,
                2048L << 20, 32 << 20, 32));
        p.onProgress(new PullProgress(PullStage.DONE, "hf.co/a/b:Q4_K_M", null, 2048L << 20, 2048L << 20, 0, 0));
        String text = s.toString();
        assertThat(text).contains("\r 25% [######..................] 512 MiB/2.0 GiB  32.0 MiB/s  ETA 0m48s  m.gguf");
        assertThat(text).contains("\r 50% [############............] 1.0 GiB/2.0 GiB");
        assertThat(text).endsWith("\npulled hf.co/a/b:Q4_K_M (2.0 GiB)\n");
        assertThat(ListCommand.ago(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2025-01-01T03:00:00Z")))
                .isEqualTo("3 hours ago");
    }
}
