package dev.jllm.server.cli.repl;

import org.jline.utils.WCWidth;

import java.io.PrintWriter;
import java.util.function.IntSupplier;

/**
 * Writes streamed text wrapped at word boundaries to the terminal's width. Text arrives in pieces that may end
 * mid-word, so the current word is held back until a space or a line break shows where it ends; then it goes on
 * the current line if it fits, else on a new one. A word longer than a whole line is broken where the line ends.
 * Columns are counted as the terminal shows them (a CJK character takes two). A width of 0 (not a terminal, or
 * unknown) writes the text unchanged.
 */
public final class WordWrapper {
    private final PrintWriter out;
    private final IntSupplier width;
    private final StringBuilder word = new StringBuilder();
    private int wordColumns;
    private int column;
    private int pendingSpaces;

    /** @param width the terminal's width now, in columns (read at every line, so resizes are followed) */
    public WordWrapper(PrintWriter out, IntSupplier width) {
        this.out = out;
        this.width = width;
    }

    /** Adds a piece of the answer. */
    public void write(String text) {
        int w = width.getAsInt();
        if (w <= 0) {
            flushWord(0);
            out.print(text);
            int nl = text.lastIndexOf('\n');
            column = nl >= 0 ? columns(text.substring(nl + 1)) : column + columns(text);
            out.flush();
            return;
        }
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\n') {
                flushWord(w);
                pendingSpaces = 0;
                out.print('\n');
                column = 0;
            } else if (cp == ' ' || cp == '\t') {
                flushWord(w);
                pendingSpaces += cp == '\t' ? 4 - (column + pendingSpaces) % 4 : 1;
            } else if (cp != '\r') {
                word.appendCodePoint(cp);
                wordColumns += Math.max(0, WCWidth.wcwidth(cp));
                if (wordColumns >= w) {
                    // Longer than any line can hold: no boundary will come in time, so break it here.
                    flushWord(w);
                }
            }
        }
        out.flush();
    }

    /** Writes what is held back and ends the line if anything is on it. */
    public void finish() {
        flushWord(width.getAsInt());
        if (column > 0) {
            out.print('\n');
            column = 0;
        }
        pendingSpaces = 0;
        out.flush();
    }

    /** The column the cursor is in (0: at the start of a line). */
    public int column() {
        return column;
    }

    private void flushWord(int w) {
        if (word.isEmpty()) {
            return;
        }
        if (w > 0 && column > 0 && column + pendingSpaces + wordColumns > w) {
            out.print('\n');
            column = 0;
            pendingSpaces = 0; // spaces at a wrap are dropped, as a line never starts with the gap between words
        }
        if (pendingSpaces > 0) {
            out.print(" ".repeat(pendingSpaces));
            column += pendingSpaces;
            pendingSpaces = 0;
        }
        out.print(word);
        column += wordColumns;
        word.setLength(0);
        wordColumns = 0;
    }

    private static int columns(String s) {
        int c = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            c += Math.max(0, WCWidth.wcwidth(cp));
        }
        return c;
    }
}
