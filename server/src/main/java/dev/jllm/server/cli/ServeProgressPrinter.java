package dev.jllm.server.cli;

import dev.jllm.api.ProgressEvent;
import dev.jllm.api.ProgressListener;

import java.io.PrintWriter;
import java.util.Locale;

/** Shows serve progress (download, load) on standard error: one updating line on a terminal, else plain lines. */
final class ServeProgressPrinter implements ProgressListener {
    private final PrintWriter err;
    private final boolean tty = System.console() != null && System.console().isTerminal();
    private long lastPrint;
    private boolean open;

    ServeProgressPrinter(PrintWriter err) {
        this.err = err;
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
                err.print("\r\033[K" + line);
                open = true;
            } else {
                err.println(line);
            }
        } else if ("loading".equals(e.stage())) {
            if (open) {
                err.println();
                open = false;
            }
            if (tty) {
                err.println(e.message() + "...");
            }
        }
        err.flush();
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
