package dev.jllm.server.translate;

import dev.jllm.api.openai.Usage;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps an answer's closed blocks, finish reason and usage while passing every event on to another listener (the
 * event writer of a stream, or nothing for a whole answer), so that both end with the same whole answer.
 */
public final class Answer implements BlockListener {

    private final BlockListener next;
    private final List<Block> blocks = new ArrayList<>();
    private String finishReason;
    private Usage usage;

    /** @param next the listener that also gets every event, or null */
    public Answer(BlockListener next) {
        this.next = next;
    }

    @Override
    public void opened(Block block) {
        if (next != null) {
            next.opened(block);
        }
    }

    @Override
    public void piece(Block block, String piece) {
        if (next != null) {
            next.piece(block, piece);
        }
    }

    @Override
    public void token(String text) {
        if (next != null) {
            next.token(text);
        }
    }

    @Override
    public void closed(Block block) {
        blocks.add(block);
        if (next != null) {
            next.closed(block);
        }
    }

    @Override
    public void end(String reason, Usage u) {
        finishReason = reason;
        usage = u;
        if (next != null) {
            next.end(reason, u);
        }
    }

    public List<Block> blocks() {
        return List.copyOf(blocks);
    }

    /** Chat Completions' finish reason: stop, length or tool_calls (null before the end). */
    public String finishReason() {
        return finishReason;
    }

    public Usage usage() {
        return usage;
    }

    /** Whether max_tokens cut the answer short. */
    public boolean cut() {
        return "length".equals(finishReason);
    }
}
