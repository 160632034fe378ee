package dev.jllm.server.translate;

import dev.jllm.api.openai.Usage;

/**
 * Receives an answer as blocks: each block is opened, grows by pieces, and is closed (with its whole text) before
 * the next one opens; {@link #end} follows the last. A whole answer uses only {@link #closed} and {@link #end}.
 */
public interface BlockListener {

    /** A block begins (its text empty). */
    default void opened(Block block) { }

    /** A piece of the open block's text (or a call's arguments). */
    default void piece(Block block, String piece) { }

    /**
     * The text of a sampled token, special tokens included, when the request asked for logprobs: what the model
     * wrote before any of it was held back, cut at a stop string or parsed.
     */
    default void token(String text) { }

    /** The block is done; {@code block.text()} is all of it. */
    void closed(Block block);

    /**
     * The answer is done.
     *
     * @param finishReason Chat Completions' reason: stop, length, tool_calls
     * @param usage        the token counts, or null when the instance reported none
     */
    void end(String finishReason, Usage usage);
}
