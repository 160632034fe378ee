package dev.jllm.api;

import dev.jllm.api.openai.ChatCompletionChunk;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link ChatCompletionStream} fed by a producer on another thread through a bounded buffer, so that a slow
 * reader slows the producer down instead of piling chunks up in memory.
 *
 * <p>Producer side: call {@link #emit} per chunk, then exactly one of {@link #complete()} or {@link #fail}. When
 * {@code emit} returns false the consumer has closed the stream: stop generating. {@link #onCancel} registers what
 * stops the work early (abort an HTTP body, free an engine sequence); it runs once, on the thread that closes the
 * stream, and only if the stream is closed before the producer ended it.
 *
 * <p>Consumer side: the {@link ChatCompletionStream} contract. A consumer interrupted while waiting closes the
 * stream and gets an LlmException of kind CANCELLED (with the interrupt flag set again).
 */
public final class QueuedChatCompletionStream implements ChatCompletionStream {

    /** Enough to absorb a burst of tokens without making the producer wait on every one. */
    public static final int DEFAULT_CAPACITY = 256;

    private static final System.Logger LOG = System.getLogger(QueuedChatCompletionStream.class.getName());

    private enum State { RUNNING, COMPLETED, FAILED, CANCELLED }

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<ChatCompletionChunk> buffer = new ArrayDeque<>();
    private final List<Runnable> cancelCallbacks = new ArrayList<>();
    private State state = State.RUNNING;
    private Throwable failure;
    private boolean consumerClosed;
    private boolean iteratorTaken;

    public QueuedChatCompletionStream() {
        this(DEFAULT_CAPACITY);
    }

    public QueuedChatCompletionStream(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
    }

    // ---------------------------------------------------------------- producer side

    /**
     * Hands one chunk to the reader, waiting while the buffer is full.
     *
     * @return false if the stream was closed by its reader (the chunk is dropped; stop producing), or if this
     *         thread was interrupted while waiting (the interrupt flag is set again)
     * @throws IllegalStateException if the producer already completed or failed the stream
     */
    public boolean emit(ChatCompletionChunk chunk) {
        Objects.requireNonNull(chunk, "chunk");
        lock.lock();
        try {
            while (state == State.RUNNING && buffer.size() >= capacity) {
                try {
                    notFull.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            switch (state) {
                case CANCELLED -> {
                    return false;
                }
                case COMPLETED, FAILED -> throw new IllegalStateException("the stream has already ended");
                case RUNNING -> {
                    buffer.addLast(chunk);
                    notEmpty.signal();
                    return true;
                }
            }
            throw new AssertionError(state);
        } finally {
            lock.unlock();
        }
    }

    /** Ends the stream normally: the reader gets the buffered chunks, then the end. Ignored once ended. */
    public void complete() {
        end(State.COMPLETED, null);
    }

    /**
     * Ends the stream with an error: the reader gets the buffered chunks, then the error (non-LlmExceptions
     * become INTERNAL). Ignored once ended.
     */
    public void fail(Throwable error) {
        end(State.FAILED, Objects.requireNonNull(error, "error"));
    }

    /**
     * Registers work to run when the reader closes the stream before the producer ended it. Runs at once (on this
     * thread) if that already happened; never runs if the producer ends the stream first.
     */
    public QueuedChatCompletionStream onCancel(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        boolean runNow;
        lock.lock();
        try {
            runNow = state == State.CANCELLED;
            if (state == State.RUNNING) {
                cancelCallbacks.add(callback);
            }
        } finally {
            lock.unlock();
        }
        if (runNow) {
            runQuietly(callback);
        }
        return this;
    }

    /** Whether the reader closed the stream before the producer ended it. */
    public boolean isCancelled() {
        lock.lock();
        try {
            return state == State.CANCELLED;
        } finally {
            lock.unlock();
        }
    }

    private void end(State to, Throwable error) {
        lock.lock();
        try {
            if (state != State.RUNNING) {
                return;
            }
            state = to;
            failure = error;
            cancelCallbacks.clear();
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- consumer side

    @Override
    public void close() {
        List<Runnable> toRun = List.of();
        lock.lock();
        try {
            if (consumerClosed) {
                return;
            }
            consumerClosed = true;
            buffer.clear();
            if (state == State.RUNNING) {
                state = State.CANCELLED;
                toRun = List.copyOf(cancelCallbacks);
                cancelCallbacks.clear();
            }
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        toRun.forEach(QueuedChatCompletionStream::runQuietly);
    }

    @Override
    public Iterator<ChatCompletionChunk> iterator() {
        lock.lock();
        try {
            if (iteratorTaken) {
                throw new IllegalStateException("a chat completion stream can be read only once");
            }
            iteratorTaken = true;
        } finally {
            lock.unlock();
        }
        return new Reader();
    }

    private final class Reader implements Iterator<ChatCompletionChunk> {
        @Override
        public boolean hasNext() {
            lock.lock();
            try {
                while (true) {
                    if (consumerClosed) {
                        return false;
                    }
                    if (!buffer.isEmpty()) {
                        return true;
                    }
                    switch (state) {
                        case COMPLETED, CANCELLED -> {
                            return false;
                        }
                        case FAILED -> throw rethrown(failure);
                        case RUNNING -> {
                            try {
                                notEmpty.await();
                            } catch (InterruptedException e) {
                                lock.unlock();
                                try {
                                    close();
                                } finally {
                                    lock.lock();
                                }
                                Thread.currentThread().interrupt();
                                throw new LlmException(LlmException.Kind.CANCELLED,
                                        "interrupted while waiting for the next chunk", e);
                            }
                        }
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public ChatCompletionChunk next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the chat completion stream has ended");
            }
            lock.lock();
            try {
                ChatCompletionChunk c = buffer.removeFirst();
                notFull.signal();
                return c;
            } finally {
                lock.unlock();
            }
        }
    }

    /** A fresh exception per throw, so the reader's stack shows where it read; the producer's is the cause. */
    private static LlmException rethrown(Throwable t) {
        if (t instanceof LlmException e) {
            return e.reraised();
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return new LlmException(LlmException.Kind.INTERNAL, "generation failed: " + msg, t);
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            // A failing cancel hook must not turn the reader's close() into an error: the reader is done.
            LOG.log(System.Logger.Level.WARNING, "cancel callback failed", e);
        }
    }
}
