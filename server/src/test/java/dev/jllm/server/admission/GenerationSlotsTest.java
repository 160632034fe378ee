package dev.jllm.server.admission;

import dev.jllm.server.openai.ApiException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GenerationSlotsTest {

    @Test
    void atMostParallelRunAndTheRestAreRefusedWithRetryAfter() {
        GenerationSlots slots = new GenerationSlots(2, 0, Duration.ofSeconds(1));
        GenerationSlots.Slot a = slots.acquire("x");
        GenerationSlots.Slot b = slots.acquire("x");
        assertThat(slots.active("x")).isEqualTo(2);
        assertThatThrownBy(() -> slots.acquire("x")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.error().status()).isEqualTo(503);
            assertThat(e.error().retryAfter()).isPositive();
        });
        // Instances do not share slots.
        slots.acquire("y").close();
        a.close();
        a.close(); // twice is harmless: only one slot comes back
        assertThat(slots.active("x")).isEqualTo(1);
        slots.acquire("x").close();
        b.close();
        assertThat(slots.active("x")).isZero();
    }

    @Test
    void aWaiterGetsTheSlotWhenItIsFreedOrGivesUpAfterTheWait() throws Exception {
        GenerationSlots slots = new GenerationSlots(1, 1, Duration.ofMillis(200));
        GenerationSlots.Slot held = slots.acquire("x");
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> slots.acquire("x")).isInstanceOf(ApiException.class);
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(150).toNanos());
        Thread releaser = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            held.close();
        });
        GenerationSlots.Slot got = slots.acquire("x");
        assertThat(slots.active("x")).isEqualTo(1);
        got.close();
        releaser.join();
        assertThat(slots.waiting()).isZero();
    }
}
