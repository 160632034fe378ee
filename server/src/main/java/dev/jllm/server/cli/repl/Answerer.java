package dev.jllm.server.cli.repl;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.LlmException;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionRequest;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * One answer: sends the conversation with the new message, streams the reply word-wrapped to the terminal, stops
 * on Ctrl-C, and when the conversation no longer fits the context drops its oldest turns (never the system
 * prompt) until it does, saying so.
 */
final class Answerer {
    private final LineSource io;
    private final StopSwitch stop;

    Answerer(LineSource io, StopSwitch stop) {
        this.io = io;
        this.stop = stop;
    }

    /**
     * @return the reply as far as it came (also when stopped), or null when no answer was started
     * @throws LlmException when the backend fails for another reason than the context (the caller reports it)
     */
    String answer(ChatBackend backend, ChatParameters params, Conversation conversation, String user) {
        PrintWriter out = io.out();
        stop.begin();
        StringBuilder reply = new StringBuilder();
        WordWrapper wrap = new WordWrapper(out, io::width);
        boolean stopped;
        try {
            ChatCompletionStream stream = open(backend, params, conversation, user);
            if (stream == null) {
                return null;
            }
            if (stop.attach(stream)) {
                try (stream) {
                    Iterator<ChatCompletionChunk> it = stream.iterator();
                    while (it.hasNext()) {
                        String text = it.next().text();
                        if (!text.isEmpty()) {
                            reply.append(text);
                            wrap.write(text);
                        }
                    }
                } catch (NoSuchElementException e) {
                    // closed by Ctrl-C between hasNext() and next()
                } catch (LlmException e) {
                    if (!stop.fired()) {
                        wrap.finish();
                        throw e;
                    }
                }
            }
        } catch (LlmException e) {
            if (!stop.fired()) {
                throw e;
            }
        } finally {
            stopped = stop.end();
        }
        wrap.finish();
        if (stopped) {
            out.println("(answer stopped)");
        }
        out.flush();
        return stopped && reply.isEmpty() ? null : reply.toString();
    }

    /** The answer's stream, after dropping the oldest turns the context has no room for; null if none fits. */
    private ChatCompletionStream open(ChatBackend backend, ChatParameters params, Conversation conversation, String user) {
        int dropped = 0;
        while (true) {
            try {
                ChatCompletionStream s = backend.stream(params.applyTo(ChatCompletionRequest.builder()
                        .messages(conversation.messagesWith(user))));
                if (dropped > 0) {
                    io.out().println("(the conversation outgrew the context: dropped the oldest "
                            + (dropped == 1 ? "turn" : dropped + " turns")
                            + (conversation.system() == null ? "" : "; the system prompt stays") + ")");
                    io.out().flush();
                }
                return s;
            } catch (LlmException e) {
                if (e.kind() != LlmException.Kind.CONTEXT_LENGTH_EXCEEDED || stop.fired()) {
                    throw e;
                }
                if (!conversation.dropOldest()) {
                    io.out().println("error: this message does not fit the context even on its own"
                            + (dropped > 0 ? " (the " + dropped + " older turns were dropped)" : "") + ": "
                            + e.getMessage());
                    io.out().flush();
                    return null;
                }
                dropped++;
            }
        }
    }
}
