package dev.jllm.tests.ui;

import org.junit.jupiter.api.Assumptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Headless Chromium (Debian's {@code chromium}) with a fresh profile, driven over the DevTools protocol. Without
 * the binary, tests using it are skipped with a message, except under CI ({@code JLLM_REQUIRE_TESTDATA=1}), where
 * {@code .ci/run} installs it and its absence is a failure.
 */
record Chromium(Process process, Path profile, DevTools devTools) implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome");

    /** The browser binary: {@code JLLM_CHROMIUM}, else the usual Debian places; skips (or fails in CI) without. */
    static Path require() {
        String configured = System.getenv("JLLM_CHROMIUM");
        Stream<String> paths = configured != null && !configured.isBlank() ? Stream.of(configured)
                : CANDIDATES.stream();
        return paths.map(Path::of).filter(Files::isExecutable).findFirst().orElseGet(() -> {
            String msg = configured != null && !configured.isBlank()
                    ? "JLLM_CHROMIUM=" + configured + " is not an executable"
                    : "chromium is not installed (apt-get install -y chromium; .ci/run installs it in CI)";
            if ("1".equals(System.getenv("JLLM_REQUIRE_TESTDATA"))) {
                throw new AssertionError(msg);
            }
            // Said on stderr too: an aborted @BeforeAll shows in Maven's summary only as "Tests run: 0".
            System.err.println("SKIPPED browser tests: " + msg);
            Assumptions.abort(msg + ": skipping the browser test");
            return null;
        });
    }

    static Chromium start(Path binary) {
        Path profile;
        try {
            profile = Files.createTempDirectory("jllm-chromium");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--disable-extensions", "--mute-audio",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "--remote-allow-origins=*",
                "--window-size=1100,720", "about:blank");
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        CompletableFuture<URI> socket = new CompletableFuture<>();
        List<String> lines = new ArrayList<>();
        Thread.ofVirtual().name("chromium-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        socket.complete(URI.create(m.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // the browser ended
            } finally {
                socket.completeExceptionally(new IllegalStateException("chromium ended its output"));
            }
        });
        try {
            return new Chromium(p, profile, new DevTools(socket.get(60, TimeUnit.SECONDS)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            synchronized (lines) {
                throw new IllegalStateException("chromium did not open DevTools: " + String.join("\n", lines), e);
            }
        }
    }

    /** A new tab, driven through its own DevTools session. */
    BrowserPage newPage() {
        String target = devTools.send(null, "Target.createTarget",
                jakarta.json.Json.createObjectBuilder().add("url", "about:blank").build()).getString("targetId");
        String session = devTools.send(null, "Target.attachToTarget", jakarta.json.Json.createObjectBuilder()
                .add("targetId", target).add("flatten", true).build()).getString("sessionId");
        return new BrowserPage(devTools, session);
    }

    @Override
    public void close() {
        devTools.close();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // a temporary profile left behind is harmless; Chromium's helper processes may still be writing into
            // it as it is walked (a file vanishing mid-walk surfaces as UncheckedIOException)
        }
    }
}
