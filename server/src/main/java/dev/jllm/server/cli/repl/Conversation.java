package dev.jllm.server.cli.repl;

import dev.jllm.api.openai.ChatMessage;

import java.util.ArrayList;
import java.util.List;

/**
 * The chat so far: an optional system prompt and the turns (a user message and the answer to it), oldest first.
 * When the chat outgrows the model's context the oldest turns are dropped; the system prompt always stays.
 */
public final class Conversation {
    /** One exchange. */
    public record Turn(String user, String assistant) {
    }

    private String system;
    private final List<Turn> turns = new ArrayList<>();

    public Conversation(String system) {
        this.system = system;
    }

    public String system() {
        return system;
    }

    /** Replaces the system prompt (null: none); the turns stay. */
    public void system(String text) {
        system = text;
    }

    public int turns() {
        return turns.size();
    }

    /** The messages to send for a new user message: system prompt, the turns, then that message. */
    public List<ChatMessage> messagesWith(String user) {
        List<ChatMessage> m = new ArrayList<>();
        if (system != null) {
            m.add(ChatMessage.system(system));
        }
        for (Turn t : turns) {
            m.add(ChatMessage.user(t.user()));
            m.add(ChatMessage.assistant(t.assistant()));
        }
        m.add(ChatMessage.user(user));
        return m;
    }

    public void add(String user, String assistant) {
        turns.add(new Turn(user, assistant));
    }

    /** Drops the oldest turn; false when there is none left to drop. */
    public boolean dropOldest() {
        if (turns.isEmpty()) {
            return false;
        }
        turns.removeFirst();
        return true;
    }

    /** Forgets the turns; the system prompt stays. */
    public void clear() {
        turns.clear();
    }
}
