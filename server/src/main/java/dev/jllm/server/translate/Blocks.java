package dev.jllm.server.translate;

import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionDelta;
import dev.jllm.api.openai.ChunkChoice;
import dev.jllm.api.openai.ToolCall;
import dev.jllm.api.openai.Usage;
import dev.jllm.server.metrics.GenerationTimer;

/**
 * Turns the chunks of a Chat Completions stream (choice 0) into blocks: consecutive content is one text block,
 * consecutive reasoning one reasoning block, each tool call (its first delta names it, the argument pieces follow)
 * a call block. A block closes when one of another kind (or another call) begins, and at the end. Not
 * thread-safe: one per answer.
 */
final class Blocks {

    private final BlockListener listener;
    private Block open;
    private int openCall = -1;
    private final StringBuilder text = new StringBuilder();
    private int next;
    private String finishReason;
    private Usage usage;
    private boolean cut;

    private final GenerationTimer timer;

    /** @param timer measures the generation for the metrics */
    Blocks(BlockListener listener, GenerationTimer timer) {
        this.listener = listener;
        this.timer = timer;
    }

    void accept(ChatCompletionChunk chunk) {
        if (chunk.usage() != null) {
            usage = chunk.usage();
        }
        for (ChunkChoice c : chunk.choices()) {
            if (c.index() != 0) {
                continue; // these formats have one answer per request
            }
            if (c.logprobs() != null && c.logprobs().content() != null) {
                c.logprobs().content().forEach(t -> listener.token(t.token()));
            }
            ChatCompletionDelta d = c.delta();
            if (d != null) {
                if (d.reasoningContent() != null && !d.reasoningContent().isEmpty()) {
                    append(Block.Kind.REASONING, d.reasoningContent());
                }
                if (d.content() != null && !d.content().isEmpty()) {
                    append(Block.Kind.TEXT, d.content());
                }
                if (d.toolCalls() != null) {
                    for (ToolCall t : d.toolCalls()) {
                        call(t);
                    }
                }
            }
            if (c.finishReason() != null) {
                finishReason = c.finishReason();
            }
        }
    }

    private void append(Block.Kind kind, String piece) {
        if (open == null || open.kind() != kind) {
            start(new Block(next++, kind, null, null, "", true));
        }
        grow(piece);
    }

    private void call(ToolCall t) {
        int index = t.index() == null ? 0 : t.index();
        String name = t.function() == null ? null : t.function().name();
        if (index != openCall || open == null || open.kind() != Block.Kind.CALL) {
            start(new Block(next++, Block.Kind.CALL, t.id(), name, "", true));
            openCall = index;
        }
        String args = t.function() == null ? null : t.function().arguments();
        if (args != null && !args.isEmpty()) {
            grow(args);
        }
    }

    private void start(Block b) {
        close();
        open = b;
        listener.opened(b);
    }

    private void grow(String piece) {
        text.append(piece);
        timer.content();
        listener.piece(open, piece);
    }

    private void close() {
        if (open != null) {
            String t = text.toString();
            // A call whose arguments never came has none: an empty object, as the Chat Completions answer says.
            listener.closed(open.closedWith(open.kind() == Block.Kind.CALL && t.isEmpty() ? "{}" : t, !cut));
            open = null;
            text.setLength(0);
        }
    }

    /** The stream ended normally. */
    void finish() {
        cut = "length".equals(finishReason);
        close();
        timer.finished(usage);
        listener.end(finishReason == null ? "stop" : finishReason, usage);
    }
}
