package dev.jllm.server.cli.repl;

import java.io.PrintWriter;

/** Where the chat's lines come from and its output goes: a terminal with a line editor, or plain streams. */
public interface LineSource extends AutoCloseable {

    /** Thrown by {@link #readLine} when the user pressed Ctrl-C at the prompt: the line typed so far is dropped. */
    final class Interrupted extends Exception {
        public Interrupted() {
            super("interrupted", null, false, false);
        }
    }

    /**
     * One line, without its end.
     *
     * @param prompt shown first on a terminal (ignored elsewhere)
     * @return null at the end of input (Ctrl-D on a terminal)
     */
    String readLine(String prompt) throws Interrupted;

    /** Where answers and messages go. */
    PrintWriter out();

    /** The terminal's width now, in columns; 0 when output is not a terminal (no wrapping). */
    int width();

    /** Whether this is an interactive terminal (prompts, help hints, Ctrl-C handling). */
    boolean interactive();

    /**
     * Runs {@code action} when the user presses Ctrl-C while no line is being read (an answer is streaming),
     * instead of ending the program. Does nothing where there is no terminal.
     */
    void onInterrupt(Runnable action);

    @Override
    void close();
}
