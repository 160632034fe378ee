package dev.jllm.api;

import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;

import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The chunks of one streamed chat completion, read once, in order. {@code hasNext()} blocks until the next chunk
 * arrives; an upstream failure surfaces as an {@link LlmException} from {@code hasNext()}/{@code next()} after the
 * chunks that came before it. Closing the stream (from any thread) before it ends cancels the generation upstream;
 * closing it twice is harmless. Use try-with-resources.
 *
 * <p>Producers that generate on another thread (an HTTP body, a job's events) use
 * {@link QueuedChatCompletionStream}; the local engine's stream needs no thread of its own: its chunks are made
 * as {@code hasNext()} asks for them, on the reader's thread.
 */
public interface ChatCompletionStream extends Iterable<ChatCompletionChunk>, AutoCloseable {

    /** The one iterator of this stream; a second call fails with IllegalStateException. */
    @Override
    Iterator<ChatCompletionChunk> iterator();

    /** Cancels the generation if it is still running and frees what the stream holds. Never throws. */
    @Override
    void close();

    /** The chunks as a sequential Stream; closing the Stream closes this. */
    default Stream<ChatCompletionChunk> stream() {
        Spliterator<ChatCompletionChunk> s = Spliterators.spliteratorUnknownSize(iterator(),
                Spliterator.ORDERED | Spliterator.NONNULL);
        return StreamSupport.stream(s, false).onClose(this::close);
    }

    /** Reads the whole stream and folds it into one completion (see {@link ChatCompletionAccumulator}); closes it. */
    default ChatCompletion collect() {
        try (this) {
            ChatCompletionAccumulator acc = new ChatCompletionAccumulator();
            for (ChatCompletionChunk c : this) {
                acc.add(c);
            }
            return acc.result();
        }
    }

    /** A finished stream over the given chunks (for tests and for answers known in advance). */
    static ChatCompletionStream of(List<ChatCompletionChunk> chunks) {
        QueuedChatCompletionStream s = new QueuedChatCompletionStream(Math.max(1, chunks.size()));
        chunks.forEach(s::emit);
        s.complete();
        return s;
    }
}
