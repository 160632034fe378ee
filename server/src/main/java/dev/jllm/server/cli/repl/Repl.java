package dev.jllm.server.cli.repl;

import java.io.PrintWriter;

/**
 * The chat loop of {@code jllm run}: reads entries, runs slash commands, answers messages. Nothing typed ends it
 * but {@code /bye} or the end of input; errors are shown on one line and the chat goes on.
 */
public final class Repl {
    private final LineSource io;
    private final ChatSession session;
    private final StopSwitch stop = new StopSwitch();

    public Repl(LineSource io, ChatBackend backend, Conversation conversation, ChatParameters params,
                ModelDescriber describer) {
        this.io = io;
        this.session = new ChatSession(backend, conversation, params, describer);
    }

    /**
     * Answers one message and returns (a PROMPT given on the command line).
     *
     * @return false when there was no answer (the message does not fit the context)
     */
    public boolean answerOnce(String message) {
        io.onInterrupt(stop::fire);
        return session.answer(new Answerer(io, stop), message) != null;
    }

    /** Runs until {@code /bye} or the end of input. */
    public void run() {
        PrintWriter out = io.out();
        ReplCommands commands = new ReplCommands(out, session);
        Answerer answerer = new Answerer(io, stop);
        io.onInterrupt(stop::fire);
        if (io.interactive()) {
            out.println("Send a message (/? for help, Ctrl-D or /bye to quit)");
            out.flush();
        }
        while (true) {
            Entry entry;
            try {
                entry = Entry.read(io);
            } catch (LineSource.Interrupted e) {
                out.println("Use Ctrl-D or /bye to exit.");
                out.flush();
                continue;
            }
            if (entry == null) {
                return;
            }
            if (entry.text().isBlank()) {
                continue;
            }
            try {
                if (entry.isCommand()) {
                    if (commands.run(entry.text()) == ReplCommands.Next.EXIT) {
                        return;
                    }
                    continue;
                }
                session.answer(answerer, entry.text());
                out.println(); // a blank line before the next prompt, as in Ollama
                out.flush();
            } catch (RuntimeException e) {
                // A ReplError or LlmException names its problem; anything else is not foreseen, but one failed
                // command or answer must not end the chat and lose the conversation either.
                out.println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                out.flush();
            }
        }
    }
}
