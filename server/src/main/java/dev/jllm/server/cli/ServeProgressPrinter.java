package dev.jllm.server.cli;

import dev.jllm.api.ProgressEvent;
import dev.jllm.api.ProgressListener;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * Shows serve progress (download, load) on standard error: one updating line on a terminal, cut to the terminal's
 * width (read at every redraw, so that the line never wraps and {@code \r} redraws all of it), else plain lines.
 */
final class ServeProgressPrinter implements ProgressListener {
    private final PrintWriter err;
    private final boolean tty;
    private final IntSupplier width;
    private long lastPrint;
    private boolean open;

    ServeProgressPrinter(PrintWriter err) {
        this(err, System.console() != null && System.console().isTerminal(), TerminalWidth::columns);
    }

    /** @param width the terminal's width now, in columns (0 = unknown) */
    ServeProgressPrinter(PrintWriter err, boolean tty, IntSupplier width) {
        this.err = err;
        this.tty = tty;
        this.width = width;
    }

    @Override
    public synchronized void onProgress(ProgressEvent e) {
        if ("downloading".equals(e.stage())) {
            long now = System.nanoTime();
            boolean done = e.bytesTotal() > 0 && e.bytesDone() >= e.bytesTotal();
            if (!done && now - lastPrint < (tty ? 100_000_000L : 2_000_000_000L)) {
                return;
            }
            lastPrint = now;
            String line = String.format(Locale.ROOT, "pulling %s: %s / %s%s", e.message(), mib(e.bytesDone()),
                    mib(e.bytesTotal()), e.percentKnown() ? String.format(Locale.ROOT, " (%.0f%%)", e.percent()) : "");
            if (tty) {
                err.print("\r\033[K" + fit(line, width.getAsInt()));
                open = true;
            } else {
                err.println(line);
            }
        } else if ("loading".equals(e.stage())) {
            finishLine();
            if (tty) {
                err.println(e.message() + "...");
            }
        }
        err.flush();
    }

    /** Ends the redrawn line, if any, so that the next message starts on its own line. */
    synchronized void finishLine() {
        if (open) {
            err.println();
            open = false;
            err.flush();
        }
    }

    /** The line cut to one column less than the width (0 = unknown: the whole line). */
    static String fit(String line, int width) {
        if (width <= 0 || line.length() < width) {
            return line;
        }
        // Keep the end (the numbers) and mark the cut at the start, where the long model name is.
        int keep = Math.max(0, width - 2);
        return "…" + line.substring(line.length() - keep);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
