package dev.jllm.api;

import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionDelta;
import dev.jllm.api.openai.ChunkChoice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class QueuedChatCompletionStreamTest {

    static ChatCompletionChunk chunk(String text) {
        return new ChatCompletionChunk("id", ChatCompletionChunk.OBJECT, 1, "m", null,
                List.of(new ChunkChoice(0, ChatCompletionDelta.content(text), null, null)), null);
    }

    @Test
    void deliversChunksInOrderFromAnotherThread() throws Exception {
        QueuedChatCompletionStream s = new QueuedChatCompletionStream(4);
        Thread producer = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 1000; i++) {
                assertThat(s.emit(chunk(Integer.toString(i)))).isTrue();
            }
            s.complete();
        });
        List<String> got = new ArrayList<>();
        try (s) {
            s.forEach(c -> got.add(c.text()));
        }
        producer.join();
        assertThat(got).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(got.get(i)).isEqualTo(Integer.toString(i));
        }
    }

    @Test
    void aFailureArrivesAfterTheChunksBeforeIt() {
        QueuedChatCompletionStream s = new QueuedChatCompletionStream();
        s.emit(chunk("a"));
        s.emit(chunk("b"));
        s.fail(new LlmException(LlmException.Kind.UPSTREAM, "boom", 502, null));
        Iterator<ChatCompletionChunk> it = s.iterator();
        assertThat(it.next().text()).isEqualTo("a");
        assertThat(it.next().text()).isEqualTo("b");
        assertThatThrownBy(it::hasNext).isInstanceOf(LlmException.class).hasMessage("boom")
                .satisfies(e -> {
                    assertThat(((LlmException) e).kind()).isEqualTo(LlmException.Kind.UPSTREAM);
                    assertThat(((LlmException) e).httpStatus()).isEqualTo(502);
                });
    }

    @Test
    void aNonLlmFailureBecomesInternal() {
        QueuedChatCompletionStream s = new QueuedChatCompletionStream();
        s.fail(new IllegalStateException("kernel exploded"));
        assertThatThrownBy(() -> s.iterator().hasNext()).isInstanceOf(LlmException.class)
                .hasMessageContaining("kernel exploded")
                .extracting(e -> ((LlmException) e).kind()).isEqualTo(LlmException.Kind.INTERNAL);
    }

    @Test
    void closingEarlyRunsTheCancelHookOnceAndReleasesABlockedProducer() throws Exception {
        QueuedChatCompletionStream s = new QueuedChatCompletionStream(1);
        AtomicInteger cancels = new AtomicInteger();
        s.onCancel(cancels::incrementAndGet);
        AtomicBoolean lastEmit = new AtomicBoolean(true);
        CountDownLatch blocked = new CountDownLatch(1);
        Thread producer = Thread.ofVirtual().start(() -> {
            s.emit(chunk("1"));
            blocked.countDown();
            lastEmit.set(s.emit(chunk("2"))); // blocks: the buffer holds one
        });
        blocked.await();
        Thread.sleep(50);
        s.close();
        s.close();
        producer.join(5000);
        assertThat(producer.isAlive()).isFalse();
        assertThat(lastEmit.get()).isFalse();
        assertThat(cancels.get()).isEqualTo(1);
        assertThat(s.isCancelled()).isTrue();
        assertThat(s.emit(chunk("3"))).isFalse();
        assertThat(s.iterator().hasNext()).isFalse();
        AtomicInteger late = new AtomicInteger();
        s.onCancel(late::incrementAndGet);
        assertThat(late.get()).as("a hook registered after the cancel runs at once").isEqualTo(1);
    }

    @Test
    void closingWakesAReaderBlockedOnAnotherThread() throws Exception {
        QueuedChatCompletionStream s = new QueuedChatCompletionStream();
        AtomicReference<Boolean> result = new AtomicReference<>();
        Thread reader = Thread.ofVirtual().start(() -> result.set(s.iterator().hasNext()));
        Thread.sleep(50);
        s.close();
        reader.join(5000);
        assertThat(result.get()).isFalse();
    }

    @Test
    void closingAfterTheEndDoesNotCancel() {
        QueuedChatCompletionStream s = new QueuedChatCompletionStream();
        AtomicInteger cancels = new AtomicInteger();
        s.onCancel(cancels::incrementAndGet);
        s.emit(chunk("x"));
        s.complete();
        s.close();
        assertThat(cancels.get()).isZero();
        assertThat(s.isCancelled()).isFalse();
        assertThatThrownBy(() -> s.emit(chunk("y"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anInterruptedReaderGetsCancelledAndTheStreamCloses() throws Exception {
        QueuedChatCompletionStream s = new QueuedChatCompletionStream();
        AtomicInteger cancels = new AtomicInteger();
        s.onCancel(cancels::incrementAndGet);
        AtomicReference<Throwable> error = new AtomicReference<>();
        AtomicBoolean flag = new AtomicBoolean();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                s.iterator().hasNext();
            } catch (Throwable t) {
                error.set(t);
                flag.set(Thread.currentThread().isInterrupted());
            }
        });
        Thread.sleep(50);
        reader.interrupt();
        reader.join(5000);
        assertThat(error.get()).isInstanceOf(LlmException.class);
        assertThat(((LlmException) error.get()).kind()).isEqualTo(LlmException.Kind.CANCELLED);
        assertThat(flag.get()).isTrue();
        assertThat(cancels.get()).isEqualTo(1);
    }

    @Test
    void isReadOnceAndStreamClosesIt() {
        QueuedChatCompletionStream s = new QueuedChatCompletionStream();
        AtomicInteger cancels = new AtomicInteger();
        s.onCancel(cancels::incrementAndGet);
        s.emit(chunk("a"));
        s.emit(chunk("b"));
        try (var st = s.stream()) {
            assertThat(st.limit(1).map(ChatCompletionChunk::text).toList()).containsExactly("a");
        }
        assertThat(cancels.get()).isEqualTo(1);
        assertThatThrownBy(s::iterator).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFailingCancelHookDoesNotFailClose() {
        QueuedChatCompletionStream s = new QueuedChatCompletionStream();
        s.onCancel(() -> { throw new IllegalStateException("hook"); });
        s.close();
        assertThat(s.isCancelled()).isTrue();
    }

    @Test
    void collectFoldsAFinishedStream() {
        var c = ChatCompletionStream.of(List.of(chunk("Hel"), chunk("lo"))).collect();
        assertThat(c.text()).isEqualTo("Hello");
    }

    @Test
    void manyProducersAndReadersDoNotLoseChunks() throws Exception {
        int streams = 50;
        List<Thread> threads = new ArrayList<>();
        AtomicInteger total = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(streams);
        for (int i = 0; i < streams; i++) {
            QueuedChatCompletionStream s = new QueuedChatCompletionStream(2);
            threads.add(Thread.ofVirtual().start(() -> {
                for (int j = 0; j < 200; j++) {
                    s.emit(chunk("x"));
                }
                s.complete();
            }));
            threads.add(Thread.ofVirtual().start(() -> {
                try (s) {
                    for (ChatCompletionChunk ignored : s) {
                        total.incrementAndGet();
                    }
                }
                done.countDown();
            }));
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(total.get()).isEqualTo(streams * 200);
    }
}
