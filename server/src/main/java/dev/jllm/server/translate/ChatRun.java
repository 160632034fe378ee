package dev.jllm.server.translate;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.StreamOptions;
import dev.jllm.server.admission.GenerationSlots;
import dev.jllm.server.routing.ServerContext;
import dev.jllm.server.metrics.GenerationTimer;
import dev.jllm.server.routing.ModelRouter;

import java.util.Iterator;

/**
 * One generation of a translated request through the Chat Completions machinery (routing, a slot, the instance's
 * stream with usage), whole or streamed alike. {@link #open} returns once the instance produced its first chunk,
 * so a failure before any output (an unknown model, tools the template cannot carry, a prompt beyond the context)
 * is thrown from there and still gets its own status; {@link #pump} then reads the answer as blocks. Closing the
 * run closes the stream, which cancels what is left of the generation, and frees the slot.
 */
public final class ChatRun implements AutoCloseable {

    private final GenerationSlots.Slot slot;
    private final ChatCompletionStream stream;
    private final Iterator<ChatCompletionChunk> chunks;
    private final GenerationTimer timer;
    private final String shownModel;

    private ChatRun(GenerationSlots.Slot slot, ChatCompletionStream stream, GenerationTimer timer, String shownModel) {
        this.slot = slot;
        this.stream = stream;
        this.chunks = stream.iterator();
        this.timer = timer;
        this.shownModel = shownModel;
    }

    /** Starts the generation and waits for its first chunk (or the failure before it). */
    public static ChatRun open(ServerContext ctx, ChatCompletionRequest request) {
        ModelRouter.Target target = ctx.router().resolve(request.model());
        ChatCompletionRequest r = request.toBuilder().model(target.modelId()).stream(true)
                .streamOptions(StreamOptions.INCLUDE_USAGE).build();
        GenerationSlots.Slot slot = ctx.slots().acquire(target.instance());
        ChatCompletionStream stream = null;
        try {
            GenerationTimer timer = new GenerationTimer(ctx.metrics(), target.instance());
            stream = ctx.service().chatCompletionStream(target.instance(), r);
            ChatRun run = new ChatRun(slot, stream, timer, target.shownModel(request.model()));
            run.chunks.hasNext(); // waits for the first chunk, or throws what failed before it
            return run;
        } catch (RuntimeException e) {
            if (stream != null) {
                stream.close();
            }
            slot.close();
            throw e;
        }
    }

    /** The model the answer names: the id the client asked for. */
    public String shownModel() {
        return shownModel;
    }

    /** Reads the whole answer into the listener, block by block, as the instance produces it. */
    public void pump(BlockListener listener) {
        Blocks blocks = new Blocks(listener, timer);
        while (chunks.hasNext()) {
            blocks.accept(chunks.next());
        }
        blocks.finish();
    }

    @Override
    public void close() {
        try {
            stream.close();
        } finally {
            slot.close();
        }
    }
}
