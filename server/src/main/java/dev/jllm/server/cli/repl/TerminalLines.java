package dev.jllm.server.cli.repl;

import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The terminal, through JLine: line editing, a history kept in a file across runs, Ctrl-C and Ctrl-D at the
 * prompt, the window's width, and Ctrl-C during an answer delivered to the chat instead of ending the program.
 */
public final class TerminalLines implements LineSource {
    private final Terminal terminal;
    private final LineReader reader;

    private TerminalLines(Terminal terminal, LineReader reader) {
        this.terminal = terminal;
        this.reader = reader;
    }

    /**
     * Opens the process's terminal.
     *
     * @param history the history file (created with its folder when missing)
     */
    public static TerminalLines open(Path history) {
        try {
            Files.createDirectories(history.toAbsolutePath().getParent());
            // Until the chat starts (a model still downloading or loading) Ctrl-C ends the program as usual; the
            // chat then takes it over (onInterrupt), and LineReader swaps in its own while a line is read.
            Terminal t = TerminalBuilder.builder().system(true).nativeSignals(true)
                    .signalHandler(Terminal.SignalHandler.SIG_DFL).build();
            // Ctrl-C during an answer must not print "^C" into the streamed text: that would break its lines,
            // which jllm wraps to the terminal's width itself.
            org.jline.terminal.Attributes attributes = t.getAttributes();
            attributes.setLocalFlag(org.jline.terminal.Attributes.LocalFlag.ECHOCTL, false);
            t.setAttributes(attributes);
            LineReader r = LineReaderBuilder.builder().terminal(t).appName("jllm")
                    .variable(LineReader.HISTORY_FILE, history)
                    .variable(LineReader.SECONDARY_PROMPT_PATTERN, "... ")
                    .build();
            // "!" and "^" are text in a chat, not history expansions.
            r.setOpt(LineReader.Option.DISABLE_EVENT_EXPANSION);
            return new TerminalLines(t, r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the terminal", e);
        }
    }

    @Override
    public String readLine(String prompt) throws Interrupted {
        try {
            return reader.readLine(prompt);
        } catch (UserInterruptException e) {
            throw new Interrupted();
        } catch (EndOfFileException e) {
            return null;
        }
    }

    @Override
    public PrintWriter out() {
        return terminal.writer();
    }

    @Override
    public int width() {
        return terminal.getWidth();
    }

    @Override
    public boolean interactive() {
        return true;
    }

    @Override
    public void onInterrupt(Runnable action) {
        terminal.handle(Terminal.Signal.INT, signal -> action.run());
    }

    @Override
    public void close() {
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            // The history is a convenience: losing its last lines must not turn a clean exit into an error.
        }
        try {
            terminal.writer().flush();
            terminal.close();
        } catch (IOException e) {
            // closing: nothing left to do
        }
    }
}
