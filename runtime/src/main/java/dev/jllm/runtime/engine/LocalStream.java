package dev.jllm.runtime.engine;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChunkChoice;
import dev.jllm.runtime.scheduler.SequenceEvent;
import dev.jllm.runtime.scheduler.SequenceInbox;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A streamed local generation, made lazily on the reader's thread: {@code hasNext()} takes the next event from
 * the request's {@link SequenceInbox} (the one queue between the scheduler and the reader, where back-pressure
 * lives) and shapes it into chunks ({@link StreamedChoice}); no thread or queue sits in between. After every
 * choice's finish comes the usage chunk when asked for. Closing the stream (from any thread) before its end
 * cancels the choices still running; the model's lease is returned at the end or on close, whichever is first.
 *
 * <p>A failure of a choice surfaces from {@code hasNext()} as its LlmException; a reader interrupted while waiting
 * cancels the generation and gets CANCELLED (the interrupt flag set again).
 */
final class LocalStream implements ChatCompletionStream, Iterator<ChatCompletionChunk> {

    private final Prepared prepared;
    private final boolean usage;
    private final String id = ChatCompletion.newId();
    private final long created = ChatCompletion.createdNow();
    private final StreamedChoice[] choices;
    private final ChoiceEvents events;
    /** The chunks shaped from the last event, not read yet (one event can make several: tool-call deltas). */
    private final ArrayDeque<ChatCompletionChunk> shaped = new ArrayDeque<>();
    private boolean ended;
    private boolean iteratorTaken;
    private volatile boolean closed;

    LocalStream(Prepared prepared, boolean usage) {
        this.events = new ChoiceEvents(prepared);
        this.choices = new StreamedChoice[prepared.handles().size()];
        this.prepared = prepared;
        this.usage = usage;
        // every choice's role chunk first, as OpenAI sends them
        for (int i = 0; i < choices.length; i++) {
            choices[i] = new StreamedChoice(prepared, i);
            shaped.add(chunk(choices[i].role()));
        }
    }

    @Override
    public synchronized Iterator<ChatCompletionChunk> iterator() {
        if (iteratorTaken) {
            throw new IllegalStateException("a chat completion stream can be read only once");
        }
        iteratorTaken = true;
        return this;
    }

    @Override
    public boolean hasNext() {
        while (shaped.isEmpty() && !closed) {
            if (ended) {
                return false;
            }
            SequenceInbox.Delivery d;
            try {
                d = events.next();
            } catch (RuntimeException e) {
                end();
                if (closed) {
                    return false; // the cancellation was the reader's own close()
                }
                throw e;
            }
            if (d == null) {
                if (usage) {
                    shaped.add(new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, prepared.modelId(),
                            null, List.of(), OutputWire.usage(events.results())));
                }
                end();
            } else {
                shape(d);
            }
        }
        return !closed;
    }

    @Override
    public ChatCompletionChunk next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the chat completion stream has ended");
        }
        return shaped.removeFirst();
    }

    private void shape(SequenceInbox.Delivery d) {
        StreamedChoice choice = choices[d.choice()];
        List<ChunkChoice> scratch = new ArrayList<>(2);
        switch (d.event()) {
            case SequenceEvent.Token t -> choice.token(t, scratch);
            case SequenceEvent.Finished _ -> choice.finish(events.result(d.choice()).finishReason(), scratch);
            case SequenceEvent.Failed _ -> throw new IllegalStateException("ChoiceEvents throws failures");
        }
        for (ChunkChoice c : scratch) {
            shaped.add(chunk(c));
        }
    }

    private ChatCompletionChunk chunk(ChunkChoice choice) {
        return new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, created, prepared.modelId(), null,
                List.of(choice), null);
    }

    private void end() {
        ended = true;
        prepared.lease().close();
    }

    @Override
    public void close() {
        closed = true;
        // Cancelling a choice that ended is harmless; the lease closes once.
        prepared.cancel();
        prepared.lease().close();
    }
}
