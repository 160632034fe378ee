package dev.jllm.server.jobs;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobEventLogTest {

    @Test
    void idsCountFromOneAndReadsResumeAfterAnId() throws Exception {
        JobEventLog log = new JobEventLog(100, 1 << 20);
        assertThat(log.append(JobEvent.PROGRESS, "{\"a\":1}")).isEqualTo(1);
        assertThat(log.append(JobEvent.CHUNK, "{\"b\":2}")).isEqualTo(2);
        assertThat(log.append(JobEvent.RESULT, "{}")).isEqualTo(3);
        JobEventLog.Batch all = log.read(0, Duration.ZERO);
        assertThat(all.events()).extracting(JobEvent::id).containsExactly(1L, 2L, 3L);
        assertThat(all.ended()).isTrue();
        assertThat(log.read(1, Duration.ZERO).events()).extracting(JobEvent::id).containsExactly(2L, 3L);
        assertThat(log.read(3, Duration.ZERO)).isEqualTo(new JobEventLog.Batch(List.of(), true));
        assertThatThrownBy(() -> log.append(JobEvent.CHUNK, "{}")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aReaderWaitsForTheNextEventOrTimesOut() throws Exception {
        JobEventLog log = new JobEventLog(100, 1 << 20);
        long t0 = System.nanoTime();
        assertThat(log.read(0, Duration.ofMillis(50))).isEqualTo(new JobEventLog.Batch(List.of(), false));
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(45).toNanos());
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log.append(JobEvent.CHUNK, "{}");
        });
        JobEventLog.Batch b = log.read(0, Duration.ofSeconds(10));
        assertThat(b.events()).hasSize(1);
        assertThat(b.ended()).isFalse();
        writer.join();
    }

    @Test
    void boundsDropTheOldestAndResumingBeforeThemIsRefused() throws Exception {
        JobEventLog log = new JobEventLog(3, 1 << 20);
        for (int i = 0; i < 5; i++) {
            log.append(JobEvent.CHUNK, "{\"i\":" + i + "}");
        }
        assertThat(log.read(2, Duration.ZERO).events()).extracting(JobEvent::id).containsExactly(3L, 4L, 5L);
        assertThatThrownBy(() -> log.read(1, Duration.ZERO))
                .isInstanceOfSatisfying(JobEventLog.EventsExpiredException.class,
                        e -> assertThat(e.firstKept()).isEqualTo(3));
    }

    @Test
    void theByteBoundKeepsAtLeastTheLastEvent() throws Exception {
        JobEventLog log = new JobEventLog(1000, 100);
        log.append(JobEvent.CHUNK, "x".repeat(80));
        log.append(JobEvent.RESULT, "y".repeat(80));
        JobEventLog.Batch b = log.read(1, Duration.ZERO);
        assertThat(b.events()).extracting(JobEvent::type).containsExactly(JobEvent.RESULT);
        assertThat(b.ended()).isTrue();
    }
}
