package dev.jllm.server.cli.repl;

import java.io.PrintWriter;

/**
 * The chat loop of {@code jllm run}: reads entries, runs slash commands, answers messages. Nothing typed ends it
 * but {@code /bye} or the end of input; errors are shown on one line and the chat goes on.
 */
public final class Repl {
    private final LineSource io;
    private final ChatBackend backend;
    private final Conversation conversation;
    private final ChatParameters params;
    private final ModelDescriber describer;
    private final StopSwitch stop = new StopSwitch();

    public Repl(LineSource io, ChatBackend backend, Conversation conversation, ChatParameters params,
                ModelDescriber describer) {
        this.io = io;
        this.backend = backend;
        this.conversation = conversation;
        this.params = params;
        this.describer = describer;
    }

    /**
     * Answers one message and returns (a PROMPT given on the command line).
     *
     * @return false when there was no answer (the message does not fit the context)
     */
    public boolean answerOnce(String message) {
        io.onInterrupt(stop::fire);
        String reply = new Answerer(io, stop).answer(backend, params, conversation, message);
        if (reply != null) {
            conversation.add(message, reply);
        }
        return reply != null;
    }

    /** Runs until {@code /bye} or the end of input. */
    public void run() {
        PrintWriter out = io.out();
        ReplCommands commands = new ReplCommands(out, backend, params, conversation, describer);
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
                String reply = answerer.answer(backend, params, conversation, entry.text());
                if (reply != null) {
                    conversation.add(entry.text(), reply);
                }
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
