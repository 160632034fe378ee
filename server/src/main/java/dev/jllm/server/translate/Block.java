package dev.jllm.server.translate;

/**
 * One block of an answer, in the order the model wrote them: a run of text, a run of reasoning, or one tool call.
 * Responses calls them output items, Messages content blocks.
 *
 * @param index     the block's position in the answer (0, 1, ...)
 * @param kind      what it holds
 * @param callId    a tool call's id (null for text and reasoning)
 * @param name      a tool call's function name (null for text and reasoning)
 * @param text      the text, reasoning, or a call's arguments (JSON text), whole once the block is closed
 * @param complete  false for the last block of an answer that max_tokens cut short
 */
public record Block(int index, Kind kind, String callId, String name, String text, boolean complete) {

    /** What a block holds. */
    public enum Kind { TEXT, REASONING, CALL }

    Block closedWith(String t, boolean whole) {
        return new Block(index, kind, callId, name, t, whole);
    }
}
