package dev.jllm.tests.cli;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A program running in a real terminal: a tmux pane of a private tmux server (its own socket, no user config),
 * driven by keystrokes and read back as the screen shows it. When the program ends the pane shows
 * {@code [exited N]} and stays, so that the exit status can be read.
 */
final class TmuxPane implements AutoCloseable {
    private final String socket;

    private TmuxPane(String socket) {
        this.socket = socket;
    }

    /**
     * Skips the test when tmux is not installed, except under CI (JLLM_REQUIRE_TESTDATA=1), where .ci/run installs
     * it, so that its absence there is a failure.
     */
    static void requireTmux() {
        boolean present;
        try {
            Process p = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start();
            present = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            present = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (!present) {
            String msg = "tmux is not installed (apt-get install -y tmux; .ci/run installs it)";
            if ("1".equals(System.getenv("JLLM_REQUIRE_TESTDATA"))) {
                throw new AssertionError(msg);
            }
            Assumptions.abort(msg + ": skipping");
        }
    }

    /** Starts {@code command} in a new pane of the given size, with {@code env} added to its environment. */
    static TmuxPane start(List<String> command, Map<String, String> env, int columns, int rows) {
        TmuxPane pane = new TmuxPane("jllm-test-" + UUID.randomUUID());
        String shell = command.stream().map(TmuxPane::quote).collect(Collectors.joining(" "))
                + "; echo \"[exited $?]\"; sleep 3600";
        List<String> args = new ArrayList<>(List.of("new-session", "-d", "-x", Integer.toString(columns), "-y",
                Integer.toString(rows)));
        args.add(shell);
        pane.tmux(env, args);
        return pane;
    }

    /** Types text as it is (no key names). */
    void type(String text) {
        tmux(Map.of(), List.of("send-keys", "-t", "0", "-l", text));
    }

    void enter() {
        tmux(Map.of(), List.of("send-keys", "-t", "0", "Enter"));
    }

    void ctrlC() {
        tmux(Map.of(), List.of("send-keys", "-t", "0", "C-c"));
    }

    /** The screen and its scrollback, lines the terminal wrapped joined again, trailing blank lines dropped. */
    String screen() {
        String s = tmux(Map.of(), List.of("capture-pane", "-p", "-J", "-S", "-", "-t", "0"));
        return s.stripTrailing();
    }

    /** The last line shown (the cursor's, while the program waits for input). */
    String lastLine() {
        String s = screen();
        int nl = s.lastIndexOf('\n');
        return (nl < 0 ? s : s.substring(nl + 1)).strip();
    }

    /** Waits until the screen satisfies {@code ready}; fails with the screen when it does not in time. */
    String await(String what, Predicate<String> ready, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            String s = screen();
            if (ready.test(s)) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what
                        + "; the screen:\n" + s);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private String tmux(Map<String, String> env, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket, "-f", "/dev/null"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("tmux " + args + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run tmux", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Ends the pane's program and the private tmux server. */
    @Override
    public void close() {
        try {
            tmux(Map.of(), List.of("kill-server"));
        } catch (RuntimeException e) {
            // already gone
        }
    }
}
