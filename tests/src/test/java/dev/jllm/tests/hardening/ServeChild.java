package dev.jllm.tests.hardening;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code jllm serve} as a child process under a shell, so that a test can give it limits ({@code ulimit -n}) and
 * extra options, on a free port; its log goes to a file in its jllm home.
 */
final class ServeChild implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

    private final Process process;
    private final int port;
    private final Path log;

    private ServeChild(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** @param shellPrefix shell commands run before the server replaces the shell, e.g. "ulimit -n 256" */
    static ServeChild start(Path home, String shellPrefix, List<String> serveArgs) throws Exception {
        return start(home, shellPrefix, serveArgs, java.util.Map.of());
    }

    /** @param env more environment for the server (e.g. JLLM_API_KEY) */
    static ServeChild start(Path home, String shellPrefix, List<String> serveArgs, java.util.Map<String, String> env)
            throws Exception {
        List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx256m", "-XX:+UseSerialGC", "-cp", classPath(),
                "dev.jllm.server.cli.JllmCli", "serve", "--host", "127.0.0.1", "--port", "0"));
        java.addAll(serveArgs);
        StringBuilder cmd = new StringBuilder(shellPrefix).append(" && exec");
        for (String a : java) {
            cmd.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        Files.createDirectories(home);
        Path log = home.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", cmd.toString())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("JLLM_HOME", home.toString());
        pb.environment().remove("JLLM_API_KEY");
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<Integer> announced = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        announced.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // ended
            } finally {
                announced.completeExceptionally(new IllegalStateException("jllm serve ended: " + tail(log)));
            }
        });
        return new ServeChild(p, announced.get(90, TimeUnit.SECONDS), log);
    }

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    int port() {
        return port;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String logTail() {
        return tail(log);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(15, TimeUnit.SECONDS);
        }
    }
}
