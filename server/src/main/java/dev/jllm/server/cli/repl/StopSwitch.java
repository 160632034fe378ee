package dev.jllm.server.cli.repl;

import dev.jllm.api.ChatCompletionStream;

/**
 * Ctrl-C during an answer: closes the answer's stream, which cancels the generation (the engine frees its slot, a
 * server sees the connection close), and the chat goes on. Before the stream exists (a server still loading the
 * model, a long prompt being read) it interrupts the waiting thread instead. Between answers it does nothing.
 */
final class StopSwitch {
    private Thread owner;
    private ChatCompletionStream stream;
    private boolean fired;

    /** An answer starts on the calling thread. */
    synchronized void begin() {
        owner = Thread.currentThread();
        stream = null;
        fired = false;
    }

    /** The answer's stream exists; false (and the stream closed) when Ctrl-C came first. */
    synchronized boolean attach(ChatCompletionStream s) {
        if (fired) {
            s.close();
            return false;
        }
        stream = s;
        return true;
    }

    /** Ctrl-C (from the terminal's signal thread). */
    synchronized void fire() {
        if (owner == null) {
            return;
        }
        fired = true;
        if (stream != null) {
            stream.close();
        } else {
            owner.interrupt();
        }
    }

    synchronized boolean fired() {
        return fired;
    }

    /** The answer is over; returns whether it was stopped, and clears an interrupt this switch may have left. */
    synchronized boolean end() {
        boolean f = fired;
        if (owner == Thread.currentThread()) {
            Thread.interrupted();
        }
        owner = null;
        stream = null;
        fired = false;
        return f;
    }
}
