package dev.jllm.tests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@code jllm} command as a user runs it, a process of its own on this JVM's class path, with the
 * environment given (JLLM_HOME, HF_ENDPOINT, JLLM_HOST) and nothing else of the test's jllm settings.
 */
public final class JllmCli {

    private JllmCli() { }

    /** How a command ended: its exit status and its output (stdout and stderr together). */
    public record Result(int exit, String output) { }

    /** Starts {@code jllm ARGS}; its output is read by {@link #finish}. */
    public static Process start(Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xmx256m", "-cp", ServerProcess.classPath(),
                "dev.jllm.server.cli.JllmCli"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("JLLM_API_KEY");
        pb.environment().putAll(env);
        try {
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start jllm", e);
        }
    }

    /** Runs {@code jllm ARGS} to its end; fails the test if it takes longer than {@code limit}. */
    public static Result run(Map<String, String> env, Duration limit, String... args) {
        return finish(start(env, args), limit);
    }

    /** Waits for a started command, reading its output meanwhile (so that a full pipe never stalls it). */
    public static Result finish(Process p, Duration limit) {
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(output unreadable: " + e.getMessage() + ")";
            }
        });
        try {
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("jllm did not finish within " + limit);
            }
            return new Result(p.exitValue(), out.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("cannot read jllm's output", e);
        }
    }
}
