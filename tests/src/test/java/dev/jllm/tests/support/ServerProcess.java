package dev.jllm.tests.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code jllm serve} as a child process, the way a user runs it: {@code java -cp <this JVM's class path>
 * dev.jllm.server.cli.JllmCli serve}, its state in the given jllm home, the test models allowed
 * ({@link TestModelDirs}, unless the environment given names others). Started on a free port (or a given one, to
 * come back on the same address after {@link #kill()}), optionally under a shell that sets limits first
 * ({@code ulimit -n 256}); ready once {@code /health} answers 200. Its log goes to a file in the home, shown when
 * it fails to start.
 */
public record ServerProcess(Process process, int port, Path log, String apiKey) implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");
    private static final Duration START_LIMIT = Duration.ofSeconds(90);

    /**
     * @param home jllm home of the server (JLLM_HOME)
     * @param env  more environment (e.g. HF_ENDPOINT)
     * @param port 0 for a free one
     */
    public static ServerProcess start(Path home, Map<String, String> env, int port) {
        return start(home, env, port, null);
    }

    /** @param apiKey the key the server requires ({@code --api-key}), or null for none */
    public static ServerProcess start(Path home, Map<String, String> env, int port, String apiKey) {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port)));
        if (apiKey != null) {
            args.addAll(List.of("--api-key", apiKey));
        }
        return start(home, null, args, env, apiKey);
    }

    /**
     * @param shellPrefix shell commands run before the server replaces the shell, e.g. "ulimit -n 256"; null for
     *                    none
     * @param serveArgs   more {@code jllm serve} options
     */
    public static ServerProcess start(Path home, String shellPrefix, List<String> serveArgs,
                                      Map<String, String> env) {
        List<String> args = new ArrayList<>(List.of("--port", "0"));
        args.addAll(serveArgs);
        return start(home, shellPrefix, args, env, null);
    }

    private static ServerProcess start(Path home, String shellPrefix, List<String> serveArgs,
                                       Map<String, String> env, String apiKey) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Xss4m", "-Xmx512m", "-XX:+UseSerialGC",
                "-cp", classPath(), "dev.jllm.server.cli.JllmCli", "serve", "--host", "127.0.0.1"));
        cmd.addAll(serveArgs);
        if (shellPrefix != null) {
            StringBuilder line = new StringBuilder(shellPrefix).append(" && exec");
            for (String a : cmd) {
                line.append(" '").append(a.replace("'", "'\\''")).append('\'');
            }
            cmd = List.of("bash", "-c", line.toString());
        }
        Path log = home.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("JLLM_HOME", home.toString());
        pb.environment().remove("JLLM_API_KEY");
        pb.environment().put("JLLM_MODELS_DIR", TestModelDirs.env());
        pb.environment().putAll(env);
        Process p;
        try {
            Files.createDirectories(home);
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start jllm serve", e);
        }
        CompletableFuture<Integer> announced = new CompletableFuture<>();
        Thread.ofVirtual().name("jllm-serve-stdout").start(() -> {
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
                // the process ended
            } finally {
                announced.completeExceptionally(new IllegalStateException("jllm serve ended its output"));
            }
        });
        int actual;
        try {
            actual = announced.get(START_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IllegalStateException("jllm serve did not start: " + tail(log), e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        ServerProcess s = new ServerProcess(p, actual, log, apiKey);
        s.awaitHealthy();
        return s;
    }

    /** The test JVM's class path (Surefire's, which holds the server and all it needs). */
    public static String classPath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    private void awaitHealthy() {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        try (client) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("jllm serve exited with " + process.exitValue() + ": "
                            + tail(log));
                }
                try {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/health"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return;
                    }
                } catch (ConnectException e) {
                    // not listening yet
                } catch (IOException e) {
                    // starting up
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("jllm serve did not get healthy: " + tail(log));
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** Raw HTTP to this server, with its API key if it has one. */
    public Http http() {
        return new Http(baseUrl(), apiKey);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Ends the server at once, as a crash would (no graceful shutdown). */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of the server's log. */
    public String logTail() {
        return tail(log);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the server (gracefully, then by force). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(15, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
