package dev.jllm.tests.cli;

import dev.jllm.models.testing.TestData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jllm run} with a {@code jllm serve} running at JLLM_HOST: it says so and takes its answers from the server
 * (over the OpenAI-compatible routes, the model named as the server lists it), the same answers the engine gives
 * in-process; what only an in-process engine can do is refused with the reason; and Ctrl-C in the terminal chat
 * cancels the server's generation.
 */
class RunAgainstServerTest {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

    @TempDir
    Path home;

    record Result(int exit, String out, String err) {
    }

    @Test
    void answersComeFromTheRunningServer() throws Exception {
        Path model = TestData.stories260k();
        Process server = new ProcessBuilder(JllmJar.command("serve", "--model", model.toString(), "--host",
                "127.0.0.1", "--port", "0", "--threads", "1"))
                .redirectError(home.resolve("server.log").toFile()).start();
        try {
            int port = awaitListening(server);
            Map<String, String> env = Map.of("JLLM_HOME", home.toString(), "JLLM_HOST", "127.0.0.1:" + port);

            // The model as the user names it (a path elsewhere): the server serves it under its file name.
            Result remote = run(env, "", "run", model.toString(), "Once upon a time", "--temperature", "0", "-n", "16");
            assertThat(remote.exit()).as(remote.err()).isZero();
            assertThat(remote.err()).contains("jllm: using the server at http://127.0.0.1:" + port);
            assertThat(remote.out().strip()).isNotEmpty();
            Result local = run(env, "", "run", "--local", model.toString(), "Once upon a time", "--temperature", "0",
                    "-n", "16", "--threads", "1");
            assertThat(local.err()).contains("jllm: running in this process (--local)");
            assertThat(remote.out()).as("greedy answers agree").isEqualTo(local.out());

            // A piped chat through the server; num_ctx is the server's, so changing it is refused, the chat goes on.
            Result chat = run(env, "/set parameter num_ctx 64\nHello\n/show info\n/bye\n", "run", "stories260K",
                    "-n", "8");
            assertThat(chat.exit()).as(chat.err()).isZero();
            assertThat(chat.out()).contains("error: the server's context size is set when it starts",
                    "running              on the server at http://127.0.0.1:" + port, "turns                1");

            // Engine settings cannot reach a running server: refused, with the way out.
            Result ctx = run(env, "", "run", "stories260K", "Hello", "--ctx", "64");
            assertThat(ctx.exit()).isEqualTo(1);
            assertThat(ctx.err()).contains("add --local to run it here");

            // In a terminal, Ctrl-C stops a long answer: the server sees the stream closed and ends the generation.
            TmuxPane.requireTmux();
            try (TmuxPane pane = TmuxPane.start(JllmJar.command("run", "stories260K", "--seed", "7"), env, 90, 40)) {
                pane.await("the chat", s -> s.contains("Send a message") && pane.lastLine().equals(">>>"),
                        Duration.ofSeconds(180));
                assertThat(pane.screen()).contains("jllm: using the server at http://127.0.0.1:" + port);
                pane.type("/set parameter num_predict -1");
                pane.enter();
                pane.type("Tell me a long story about a dog");
                pane.enter();
                pane.await("two lines of answer", s -> s.lastIndexOf("Tell me a long story") >= 0
                        && s.substring(s.lastIndexOf("Tell me a long story")).lines().count() >= 3, Duration.ofSeconds(120));
                assertThat(activeGenerations(port)).isEqualTo("1");
                pane.ctrlC();
                pane.await("the answer to stop", s -> s.contains("(answer stopped)") && pane.lastLine().equals(">>>"),
                        Duration.ofSeconds(60));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!activeGenerations(port).equals("0") && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(activeGenerations(port)).as("the server's generation was cancelled").isEqualTo("0");
                pane.type("/bye");
                pane.enter();
                pane.await("the end", s -> s.contains("[exited 0]"), Duration.ofSeconds(60));
            }
        } finally {
            server.destroy();
            if (!server.waitFor(15, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /** The server's jllm_active_generations gauge for the model's instance, from /metrics. */
    private static String activeGenerations(int port) throws Exception {
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^jllm_active_generations\\{instance=\"stories260K\"} (\\d+)")
                .matcher(metrics);
        return m.find() ? m.group(1) : "absent";
    }

    private static int awaitListening(Process server) throws Exception {
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                // the server ended
            } finally {
                port.completeExceptionally(new IllegalStateException("jllm serve ended its output"));
            }
        });
        int p = port.get(120, TimeUnit.SECONDS);
        // Started: wait until the model is loaded (/health 200), as a user would wait for "ready".
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            try {
                var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + p
                        + "/health")).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return p;
                }
            } catch (IOException e) {
                // not yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("jllm serve did not get ready");
            }
            Thread.sleep(100);
        }
    }

    private Result run(Map<String, String> env, String stdin, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(JllmJar.command(args));
        pb.environment().putAll(env);
        pb.environment().remove("JLLM_API_KEY");
        Path err = Files.createTempFile(home, "err", ".txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("jllm run did not end: " + out);
        }
        return new Result(p.exitValue(), out, Files.readString(err, StandardCharsets.UTF_8));
    }
}
