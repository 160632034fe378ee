package dev.jllm.tests.behaviour;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polling for what another process or thread does at its own pace, with a limit. */
final class Waiting {

    private Waiting() { }

    static void until(BooleanSupplier condition, Duration max, Supplier<String> state) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still not so after " + max + ": " + state.get());
            }
            Thread.sleep(20);
        }
    }
}
