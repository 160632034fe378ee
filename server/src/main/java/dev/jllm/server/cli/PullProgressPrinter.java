package dev.jllm.server.cli;

import dev.jllm.models.hf.HumanBytes;
import dev.jllm.models.store.PullListener;
import dev.jllm.models.store.PullProgress;
import dev.jllm.models.store.PullStage;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * Shows a pull's progress: on a terminal one line redrawn in place (a bar, bytes, speed, time left); elsewhere
 * (a pipe, a log file, CI) plain lines at each stage, each file and every 10 %, so logs stay readable. The
 * redrawn line is cut to the terminal's width, read at every redraw: a longer line would wrap, and {@code \r}
 * would then redraw only its last part.
 */
final class PullProgressPrinter implements PullListener {
    private static final int BAR_WIDTH = 24;

    private final PrintWriter out;
    private final boolean terminal;
    private final IntSupplier width;
    private PullStage lastStage;
    private String lastFile;
    private int lastDecile = -1;
    private boolean lineOpen;

    /** With a fixed width (tests). */
    PullProgressPrinter(PrintWriter out, boolean terminal, int width) {
        this(out, terminal, () -> width);
    }

    /** @param width the terminal's width now, in columns (0 = unknown) */
    PullProgressPrinter(PrintWriter out, boolean terminal, IntSupplier width) {
        this.out = out;
        this.terminal = terminal;
        this.width = width;
    }

    /** For standard output: whether it is a terminal, and that terminal's real width. */
    static PullProgressPrinter forStdout(PrintWriter out) {
        return new PullProgressPrinter(out, stdoutIsTerminal(), TerminalWidth::columns);
    }

    /** Whether stdout is an interactive terminal (not a pipe or a file). */
    static boolean stdoutIsTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal();
    }

    @Override
    public synchronized void onProgress(PullProgress p) {
        boolean newStage = p.stage() != lastStage;
        boolean newFile = p.file() != null && !p.file().equals(lastFile);
        lastStage = p.stage();
        if (p.file() != null) {
            lastFile = p.file();
        }
        switch (p.stage()) {
            case RESOLVING -> line("resolving " + p.model());
            case DOWNLOADING -> downloading(p, newStage || newFile);
            case FINISHING -> {
                if (newStage) {
                    line("verified; reading model metadata");
                }
            }
            case DONE -> line("pulled " + p.model() + " (" + HumanBytes.format(p.bytesTotal()) + ")");
        }
        out.flush();
    }

    private void downloading(PullProgress p, boolean changed) {
        if (terminal) {
            String text = barLine(p);
            int w = width.getAsInt();
            if (w <= 0) {
                w = text.length() + 1; // width unknown: the whole line, never cut to a guess
            }
            // One column short of the width: writing the last column makes some terminals wrap at once.
            if (text.length() > w - 1) {
                text = text.substring(0, Math.max(0, w - 1));
            }
            out.print("\r" + text + " ".repeat(Math.max(0, w - 1 - text.length())));
            lineOpen = true;
            return;
        }
        int decile = p.fraction() < 0 ? -1 : (int) (p.fraction() * 10);
        if (changed || decile != lastDecile) {
            lastDecile = decile;
            line(plainLine(p));
        }
    }

    static String barLine(PullProgress p) {
        double f = Math.max(0, p.fraction());
        int filled = (int) Math.round(f * BAR_WIDTH);
        String bar = "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled);
        return String.format(Locale.ROOT, "%3d%% [%s] %s/%s  %s  %s  %s", (int) (f * 100), bar,
                HumanBytes.format(p.bytesDone()), HumanBytes.format(p.bytesTotal()), speed(p), eta(p),
                fileName(p.file()));
    }

    static String plainLine(PullProgress p) {
        String pct = p.fraction() < 0 ? "" : String.format(Locale.ROOT, "%3d%% ", (int) (p.fraction() * 100));
        return "downloading " + p.file() + " " + pct + HumanBytes.format(p.bytesDone()) + "/"
                + HumanBytes.format(p.bytesTotal()) + " " + speed(p) + " " + eta(p);
    }

    private static String speed(PullProgress p) {
        return p.bytesPerSecond() > 0 ? HumanBytes.format((long) p.bytesPerSecond()) + "/s" : "-- B/s";
    }

    private static String eta(PullProgress p) {
        long s = p.etaSeconds();
        if (s < 0) {
            return "ETA --";
        }
        if (s >= 3600) {
            return String.format(Locale.ROOT, "ETA %dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format(Locale.ROOT, "ETA %dm%02ds", s / 60, s % 60);
    }

    private static String fileName(String path) {
        return path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
    }

    /** Ends the redrawn line, if any, so that the next message starts on its own line. */
    synchronized void finishLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
            out.flush();
        }
    }

    private void line(String s) {
        finishLine();
        out.println(s);
    }
}
