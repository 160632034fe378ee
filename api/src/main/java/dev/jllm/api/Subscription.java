package dev.jllm.api;

/** A handle to stop listening. Closing it twice is harmless. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
