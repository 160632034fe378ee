package dev.jllm.server.cli;

import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The width of the terminal in columns, for progress lines that redraw in place: a line wider than the terminal
 * wraps, and {@code \r} then redraws only its last part. Asked anew on every call (at most once a second), so a
 * resized window gets lines of its new width.
 *
 * <p>Sources, in order: the terminal itself through JLine (an ioctl), the {@code COLUMNS} variable, then
 * {@code stty size} on {@code /dev/tty}. 0 means none of them knows (no terminal at all).
 */
final class TerminalWidth {
    private static final long REFRESH_NANOS = 1_000_000_000L;
    private static Terminal terminal;
    private static boolean terminalTried;
    private static int cached;
    private static long cachedAt;

    private TerminalWidth() {
    }

    /** The current width in columns, or 0 when no source knows one. */
    static synchronized int columns() {
        long now = System.nanoTime();
        if (cachedAt != 0 && now - cachedAt < REFRESH_NANOS) {
            return cached;
        }
        cached = probe();
        cachedAt = now;
        return cached;
    }

    private static int probe() {
        int w = fromJLine();
        if (w > 0) {
            return w;
        }
        w = parse(System.getenv("COLUMNS"));
        if (w > 0) {
            return w;
        }
        return fromStty();
    }

    /**
     * JLine's system terminal, built once: a dumb one (width 0) when standard input or output is not a terminal.
     * It is only asked for its size, never put into raw mode.
     */
    private static int fromJLine() {
        if (!terminalTried) {
            terminalTried = true;
            try {
                terminal = TerminalBuilder.builder().system(true).dumb(true).nativeSignals(false)
                        .signalHandler(Terminal.SignalHandler.SIG_DFL).build();
            } catch (IOException | RuntimeException e) {
                terminal = null;
            }
        }
        try {
            return terminal == null ? 0 : terminal.getWidth();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static int fromStty() {
        try {
            Process p = new ProcessBuilder("sh", "-c", "stty size < /dev/tty")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return 0;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            String[] rowsCols = out.split("\\s+");
            return rowsCols.length == 2 ? parse(rowsCols[1]) : 0;
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    static int parse(String s) {
        if (s == null) {
            return 0;
        }
        try {
            int v = Integer.parseInt(s.strip());
            return Math.max(v, 0);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
