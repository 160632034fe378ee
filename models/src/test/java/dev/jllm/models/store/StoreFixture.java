package dev.jllm.models.store;

import dev.jllm.models.hf.HubClient;
import dev.jllm.models.hf.HubConfig;
import dev.jllm.models.hf.SharedDownloads;
import dev.jllm.models.testing.FakeHub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A store in a temporary directory talking to a {@link FakeHub}, with fast retries for tests. */
final class StoreFixture {
    private StoreFixture() {
    }

    static HubConfig config(FakeHub hub, String token) {
        return HubConfig.of(hub.endpoint(), token)
                .withRetries(4, Duration.ofMillis(10), Duration.ofMillis(40))
                .withStallTimeout(Duration.ofMillis(400));
    }

    static ModelStore store(Path root, FakeHub hub) {
        return store(root, hub, null, name -> false);
    }

    static ModelStore store(Path root, FakeHub hub, String token, Predicate<String> loaded) {
        return new ModelStore(root, new HubClient(config(hub, token)), loaded);
    }

    static ModelStore storeWithFreeSpace(Path root, FakeHub hub, long free) {
        return new ModelStore(root, new HubClient(config(hub, null)), name -> false, dir -> free,
                Clock.systemUTC(), SharedDownloads.global());
    }

    /** A store that shares downloads with nobody else in this JVM, as if it ran in another process. */
    /**
     * A store as another process would have it (its own {@link SharedDownloads}). Its stall timeout is long: the
     * tests using it hold a body back while the other store queues up, and a loaded machine may take seconds.
     */
    static ModelStore storeOfAnotherProcess(Path root, FakeHub hub) {
        HubConfig patient = config(hub, null).withStallTimeout(Duration.ofSeconds(30));
        return new ModelStore(root, new HubClient(patient), name -> false,
                PullOperation.DiskSpace.FILE_STORE, Clock.systemUTC(), new SharedDownloads());
    }

    /** Every regular file under {@code root}, relative, for asserting what a store holds. */
    static List<String> filesUnder(Path root) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    /** Collects progress reports. */
    static final class Recorder implements PullListener {
        final List<PullProgress> events = new CopyOnWriteArrayList<>();

        @Override
        public void onProgress(PullProgress p) {
            events.add(p);
        }

        List<PullStage> stages() {
            return events.stream().map(PullProgress::stage).distinct().toList();
        }

        PullProgress last() {
            return events.getLast();
        }
    }
}
