package dev.jllm.models.store;

import dev.jllm.models.hf.ModelFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store's small pieces: manifest round trip and hardening, progress arithmetic. */
class SmallPartsTest {

    @TempDir
    Path dir;

    @Test
    void manifestRoundTrips() throws Exception {
        ModelManifest m = new ModelManifest("hf.co/a/b:Q4_K_M", "a/b", "Q4_K_M", "https://huggingface.co", "main",
                "abc", ModelFormat.GGUF, "sub/m.gguf",
                List.of(new ModelManifest.File("sub/m.gguf", 123, "ab".repeat(32), null),
                        new ModelManifest.File("config.json", 4, null, "cd".repeat(20))),
                "Q4_K_M", "llama", Instant.parse("2025-01-02T03:04:05Z"));
        Path f = dir.resolve(ModelManifest.FILE_NAME);
        ManifestJson.write(m, f);
        assertThat(ManifestJson.read(f)).isEqualTo(m);
        assertThat(m.size()).isEqualTo(127);
        try (var s = Files.list(dir)) {
            assertThat(s.toList()).containsExactly(f); // no temporary file left
        }
    }

    @Test
    void tamperedOrBrokenManifestsAreRefusedWithTheirName() throws Exception {
        Path f = dir.resolve(ModelManifest.FILE_NAME);
        Files.writeString(f, "{\"version\":1,\"name\":\"n\",\"repo\":\"a/b\",\"tag\":\"t\",\"format\":\"gguf\","
                + "\"primary\":\"../../etc/passwd\",\"files\":[],\"pulledAt\":\"2025-01-02T03:04:05Z\"}");
        assertThatThrownBy(() -> ManifestJson.read(f)).isInstanceOf(ModelStoreException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("malformed");
        Files.writeString(f, "{not json");
        assertThatThrownBy(() -> ManifestJson.read(f)).isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("unreadable");
        Files.writeString(f, "{\"version\":99}");
        assertThatThrownBy(() -> ManifestJson.read(f)).hasMessageContaining("version 99");
    }

    @Test
    void progressCountsResumedBytesAsDoneButNotAsSpeedAndThrottles() {
        AtomicLong now = new AtomicLong();
        List<PullProgress> seen = new ArrayList<>();
        ProgressMeter m = new ProgressMeter(seen::add, "hf.co/a/b", now::get);
        m.stage(PullStage.RESOLVING);
        m.resolved("hf.co/a/b:Q4_K_M", 10_000_000, 1_000_000); // one file of 1 MB already in the store
        m.fileBytes("m.gguf", 4_000_000);                      // a .part with 4 MB: the starting point
        PullProgress start = seen.getLast();
        assertThat(start.bytesDone()).isEqualTo(5_000_000);
        assertThat(start.bytesPerSecond()).isZero();
        assertThat(start.etaSeconds()).isEqualTo(-1);

        now.addAndGet(50_000_000);  // 50 ms later: throttled
        m.fileBytes("m.gguf", 4_050_000);
        assertThat(seen).hasSize(2);
        now.addAndGet(950_000_000); // 1 s after the start: 1 MB more
        m.fileBytes("m.gguf", 5_000_000);
        PullProgress p = seen.getLast();
        assertThat(p.bytesDone()).isEqualTo(6_000_000);
        assertThat(p.bytesPerSecond()).isEqualTo(1_000_000.0);
        assertThat(p.etaSeconds()).isEqualTo(4);
        assertThat(p.fraction()).isEqualTo(0.6);

        m.fileBytes("m.gguf", 0); // the download had to restart
        assertThat(seen.getLast().bytesDone()).isEqualTo(1_000_000);
        m.stage(PullStage.DONE);
        assertThat(seen.getLast().stage()).isEqualTo(PullStage.DONE);
        assertThat(seen.getLast().etaSeconds()).isZero();
    }
}
