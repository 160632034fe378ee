package dev.jllm.server.cli.repl;

/**
 * One thing the user entered: a line, or a block between {@code """} marks (which is always a message, even if it
 * starts with "/").
 */
record Entry(String text, boolean block) {

    static final String QUOTES = "\"\"\"";

    /** A command when it is a single line starting with "/". */
    boolean isCommand() {
        return !block && text.startsWith("/");
    }

    /**
     * Reads the next entry: a line, or, when a line starts with {@code """}, every line up to one that ends with
     * {@code """} (joined with line breaks, the marks removed).
     *
     * @return null at the end of input
     */
    static Entry read(LineSource in) throws LineSource.Interrupted {
        String line = in.readLine(">>> ");
        if (line == null) {
            return null;
        }
        if (!line.startsWith(QUOTES)) {
            return new Entry(line.strip(), false);
        }
        String first = line.substring(QUOTES.length());
        if (first.endsWith(QUOTES)) {
            return new Entry(first.substring(0, first.length() - QUOTES.length()), true);
        }
        StringBuilder text = new StringBuilder(first);
        boolean empty = first.isEmpty();
        while (true) {
            String next = in.readLine("... ");
            if (next == null) {
                return new Entry(text.toString(), true); // input ended inside the block: send what came
            }
            boolean last = next.endsWith(QUOTES);
            String part = last ? next.substring(0, next.length() - QUOTES.length()) : next;
            if (!(last && part.isEmpty())) {
                if (!empty) {
                    text.append('\n');
                }
                text.append(part);
                empty = false;
            }
            if (last) {
                return new Entry(text.toString(), true);
            }
        }
    }
}
