package dev.jllm.server.cli.repl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Lines from a pipe or a file (scripts): no prompts, no editing, no wrapping; each line is one entry. */
public final class StreamLines implements LineSource {
    private final BufferedReader in;
    private final PrintWriter out;

    public StreamLines(InputStream in, PrintWriter out) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = out;
    }

    @Override
    public String readLine(String prompt) {
        try {
            return in.readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read standard input", e);
        }
    }

    @Override
    public PrintWriter out() {
        return out;
    }

    @Override
    public int width() {
        return 0;
    }

    @Override
    public boolean interactive() {
        return false;
    }

    @Override
    public void onInterrupt(Runnable action) {
        // No terminal: Ctrl-C (if any) ends the program as usual.
    }

    @Override
    public void close() {
        out.flush();
    }
}
