package dev.jllm.models.store;

import dev.jllm.models.hf.CancelToken;
import dev.jllm.models.hf.DownloadCancelledException;
import dev.jllm.models.hf.HubException;
import dev.jllm.models.hf.MinRate;
import dev.jllm.models.hf.HubClient;
import dev.jllm.models.hf.ModelFormat;
import dev.jllm.models.testing.FakeHub;
import dev.jllm.models.testing.TestModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.jllm.models.store.StoreFixture.filesUnder;
import static dev.jllm.models.store.StoreFixture.store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModelStorePullTest {
    private static final String REPO = "acme/Tiny-GGUF";
    private static final String Q4 = "Tiny-Q4_K_M.gguf";
    private static final String Q8 = "Tiny-Q8_0.gguf";

    @TempDir
    Path root;
    FakeHub hub;
    byte[] q4;
    byte[] q8;

    @BeforeEach
    void setUp() throws Exception {
        hub = new FakeHub();
        q4 = TestModels.gguf("llama", 480, 1);  // ~2 MiB
        q8 = TestModels.gguf("llama", 300, 2);
        hub.repo(REPO).file("README.md", "# Tiny").file(".gitattributes", "*.gguf filter=lfs")
                .file(Q4, q4).file(Q8, q8).file("mmproj-Tiny-F16.gguf", TestModels.gguf("clip", 8, 3));
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    @Test
    void quantReferencePullsThatFileThroughTheRedirectAndRecordsIt() throws Exception {
        ModelStore store = store(root, hub);
        StoreFixture.Recorder progress = new StoreFixture.Recorder();

        StoredModel m = store.pull("hf.co/" + REPO + ":q8_0", progress);

        assertThat(m.name()).isEqualTo("hf.co/" + REPO + ":Q8_0");
        assertThat(Files.readAllBytes(m.primaryPath())).isEqualTo(q8);
        assertThat(m.manifest().format()).isEqualTo(ModelFormat.GGUF);
        assertThat(m.manifest().architecture()).isEqualTo("llama");
        assertThat(m.manifest().quantization()).isEqualTo("Q8_0");
        assertThat(m.manifest().commit()).isEqualTo(FakeHub.COMMIT);
        assertThat(m.size()).isEqualTo(q8.length);
        assertThat(hub.contentRequests(Q8)).isEqualTo(1);
        assertThat(hub.contentRequests(Q4)).isZero();
        // Only the model file and the manifest: no .part left, no README, no projector.
        assertThat(filesUnder(root)).containsExactly("hf.co/acme/Tiny-GGUF/Q8_0/" + Q8,
                "hf.co/acme/Tiny-GGUF/Q8_0/" + ModelManifest.FILE_NAME);
        assertThat(progress.stages()).containsExactly(PullStage.RESOLVING, PullStage.DOWNLOADING,
                PullStage.FINISHING, PullStage.DONE);
        assertThat(progress.last().bytesDone()).isEqualTo(q8.length);
        assertThat(progress.last().bytesTotal()).isEqualTo(q8.length);
        assertThat(progress.last().model()).isEqualTo("hf.co/" + REPO + ":Q8_0");
        assertThat(progress.events).filteredOn(p -> p.stage() == PullStage.DOWNLOADING)
                .allSatisfy(p -> assertThat(p.file()).isEqualTo(Q8));

        List<StoredModel> listed = store.list();
        assertThat(listed).extracting(StoredModel::name).containsExactly("hf.co/" + REPO + ":Q8_0");
        assertThat(listed.getFirst().manifest().pulledAt()).isNotNull();
    }

    @Test
    void noTagPicksQ4KMAndStoredModelsResolveWithoutTheNetwork() throws Exception {
        ModelStore store = store(root, hub);
        Path p = store.resolveOrPull(REPO, new StoreFixture.Recorder());
        assertThat(p.getFileName().toString()).isEqualTo(Q4);
        assertThat(Files.readAllBytes(p)).isEqualTo(q4);
        int listingsAfterPull = hub.listings();

        hub.close(); // from here on, any network use would fail
        for (String ref : List.of(REPO, "hf.co/" + REPO, "hf.co/" + REPO + ":Q4_K_M", "acme/tiny-gguf:q4_k_m",
                "https://huggingface.co/" + REPO + ":latest", REPO + "/" + Q4)) {
            assertThat(store.resolveLocal(ref)).as(ref).contains(p);
            assertThat(store.resolveOrPull(ref, PullListener.NONE)).as(ref).isEqualTo(p);
        }
        assertThat(store.resolveLocal(REPO + ":Q8_0")).isEmpty();
        assertThat(store.resolveLocal(p.toString())).contains(p);
        assertThat(hub.listings()).isEqualTo(listingsAfterPull);
    }

    @Test
    void multiFileSafetensorsRepoPullsWhatAModelDirectoryNeeds() throws Exception {
        String repo = "acme/Tiny-HF";
        String config = "{\"model_type\":\"qwen2\",\"architectures\":[\"Qwen2ForCausalLM\"],"
                + "\"torch_dtype\":\"bfloat16\"}";
        byte[] w1 = new byte[1 << 20];
        byte[] w2 = new byte[(1 << 20) + 17];
        new java.util.Random(5).nextBytes(w1);
        new java.util.Random(6).nextBytes(w2);
        hub.repo(repo).file("config.json", config).file("generation_config.json", "{}")
                .file("tokenizer.json", "{\"model\":{}}").file("tokenizer_config.json", "{}")
                .file("model-00001-of-00002.safetensors", w1).file("model-00002-of-00002.safetensors", w2)
                .file("model.safetensors.index.json", "{\"weight_map\":{}}").file("README.md", "hi")
                .file("original/consolidated.safetensors", new byte[10]).file("onnx/model.onnx", new byte[10]);
        ModelStore store = store(root, hub);

        StoredModel m = store.pull("hf.co/" + repo, PullListener.NONE);

        assertThat(m.name()).isEqualTo("hf.co/" + repo + ":safetensors");
        assertThat(m.primaryPath()).isEqualTo(m.directory());
        assertThat(m.manifest().format()).isEqualTo(ModelFormat.SAFETENSORS);
        assertThat(m.manifest().architecture()).isEqualTo("qwen2");
        assertThat(m.manifest().quantization()).isEqualTo("BF16");
        assertThat(filesUnder(m.directory())).containsExactly("config.json", "generation_config.json",
                ModelManifest.FILE_NAME, "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                "model.safetensors.index.json", "tokenizer.json", "tokenizer_config.json");
        assertThat(Files.readString(m.directory().resolve("config.json"))).isEqualTo(config);
        assertThat(Files.readAllBytes(m.directory().resolve("model-00002-of-00002.safetensors"))).isEqualTo(w2);
        assertThat(store.resolveLocal(repo)).contains(m.directory());
    }

    @Test
    void splitGgufPullsEveryPart() throws Exception {
        String repo = "acme/Big-GGUF";
        byte[] p1 = TestModels.gguf("qwen3", 100, 7);
        byte[] p2 = new byte[300_000];
        byte[] p3 = new byte[200_001];
        new java.util.Random(8).nextBytes(p2);
        hub.repo(repo).file("Q8_0/Big-Q8_0-00001-of-00003.gguf", p1).file("Q8_0/Big-Q8_0-00002-of-00003.gguf", p2)
                .file("Q8_0/Big-Q8_0-00003-of-00003.gguf", p3)
                .file("Big-Q2_K.gguf", new byte[1000]);
        ModelStore store = store(root, hub);

        StoredModel m = store.pull(repo + ":Q8_0", PullListener.NONE);

        assertThat(m.primaryPath()).isEqualTo(m.directory().resolve("Q8_0/Big-Q8_0-00001-of-00003.gguf"));
        assertThat(m.files()).hasSize(3);
        assertThat(Files.readAllBytes(m.directory().resolve("Q8_0/Big-Q8_0-00002-of-00003.gguf"))).isEqualTo(p2);
        assertThat(Files.readAllBytes(m.directory().resolve("Q8_0/Big-Q8_0-00003-of-00003.gguf"))).isEqualTo(p3);
        assertThat(m.manifest().architecture()).isEqualTo("qwen3");
        // Naming any part names the whole model.
        assertThat(store.resolveLocal(repo + "/Q8_0/Big-Q8_0-00003-of-00003.gguf")).contains(m.primaryPath());
    }

    @Test
    void gatedRepoIsExplainedWithoutTokenAndPullsWithIt() throws Exception {
        hub.repo(REPO).gated("hf_secret");

        assertThatThrownBy(() -> store(root, hub).pull(REPO, PullListener.NONE))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.ACCESS_DENIED);
                    assertThat(e.getMessage()).contains("this repo is gated: accept its licence on the Hub and set "
                            + "HF_TOKEN").contains("401");
                });
        assertThatThrownBy(() -> store(root, hub, "hf_wrong", n -> false).pull(REPO, PullListener.NONE))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.ACCESS_DENIED);
                    assertThat(e.getMessage()).contains("gated").contains("403").contains("HF_TOKEN given has no "
                            + "access");
                });
        assertThat(filesUnder(root)).isEmpty();

        StoredModel m = store(root, hub, "hf_secret", n -> false).pull(REPO, PullListener.NONE);
        assertThat(Files.readAllBytes(m.primaryPath())).isEqualTo(q4);
        // The token goes to the Hub, never to the CDN host the file is redirected to.
        assertThat(hub.hubAuthorization()).contains("Bearer hf_secret");
        assertThat(hub.cdnAuthorization()).isNotEmpty().allSatisfy(a -> assertThat(a).isEmpty());
    }

    @Test
    void droppedConnectionResumesFromThePartAndVerifies() throws Exception {
        hub.repo(REPO).dropAt(Q4, 700_000, 1);
        ModelStore store = store(root, hub);

        StoredModel m = store.pull(REPO + ":Q4_K_M", PullListener.NONE);

        assertThat(Files.readAllBytes(m.primaryPath())).isEqualTo(q4);
        // What was sent before the drop may not all arrive, so the resume starts at or a little before the drop.
        List<String> ranges = hub.ranges(Q4);
        assertThat(ranges).hasSize(2);
        assertThat(ranges.getFirst()).isEmpty();
        long resumedAt = Long.parseLong(ranges.get(1).replaceAll("bytes=(\\d+)-", "$1"));
        assertThat(resumedAt).isBetween(100_000L, 700_000L);
        assertThat(filesUnder(root)).noneMatch(f -> f.endsWith(".part"));
    }

    @Test
    void droppedConnectionWithoutRedirectResumesToo() throws Exception {
        hub.redirectLfs(false);
        hub.repo(REPO).dropAt(Q8, 500_000, 1);
        StoredModel m = store(root, hub).pull(REPO + "/" + Q8, PullListener.NONE);
        assertThat(Files.readAllBytes(m.primaryPath())).isEqualTo(q8);
        assertThat(hub.ranges(Q8)).hasSize(2).first().isEqualTo("");
        assertThat(hub.ranges(Q8).get(1)).startsWith("bytes=");
    }

    @Test
    void stalledConnectionIsAbandonedAndResumed() throws Exception {
        hub.repo(REPO).stallAt(Q8, 600_000, 1);
        StoredModel m = store(root, hub).pull(REPO + ":Q8_0", PullListener.NONE);
        assertThat(Files.readAllBytes(m.primaryPath())).isEqualTo(q8);
        // A stalled connection delivers everything it sent before stalling.
        assertThat(hub.ranges(Q8)).containsExactly("", "bytes=600000-");
    }

    @Test
    void wrongChecksumFailsClearlyAndLeavesNothingInTheStore() throws Exception {
        hub.repo(REPO).corrupt(Q4);
        ModelStore store = store(root, hub);

        assertThatThrownBy(() -> store.pull(REPO, PullListener.NONE))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.CHECKSUM);
                    assertThat(e.getMessage()).contains(Q4).contains("failed verification")
                            .contains(FakeHub.sha256Hex(q4));
                });
        assertThat(filesUnder(root)).isEmpty();
        assertThat(store.list()).isEmpty();
        assertThat(store.resolveLocal(REPO)).isEmpty();
    }

    @Test
    void concurrentPullsOfOneFileDownloadItOnce() throws Exception {
        CountDownLatch bothListed = new CountDownLatch(1);
        hub.hold(bothListed);
        ModelStore store = store(root, hub);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<StoredModel>> pulls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                pulls.add(pool.submit(() -> store.pull(REPO, PullListener.NONE)));
            }
            // The file's body is held until every pull has listed the repo, so all three overlap.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (hub.listings() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(100); // let the last one reach the shared download
            bothListed.countDown();
            for (Future<StoredModel> f : pulls) {
                assertThat(Files.readAllBytes(f.get(30, TimeUnit.SECONDS).primaryPath())).isEqualTo(q4);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(hub.listings()).isEqualTo(3);
        assertThat(hub.contentRequests(Q4)).isEqualTo(1);
    }

    @Test
    void twoProcessesPullingOneFileTakeTurnsOnThePartAndDownloadOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        hub.hold(release);
        ModelStore a = StoreFixture.storeOfAnotherProcess(root, hub);
        ModelStore b = StoreFixture.storeOfAnotherProcess(root, hub);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<StoredModel> first = pool.submit(() -> a.pull(REPO, PullListener.NONE));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (hub.contentRequests(Q4) < 1 && System.nanoTime() < deadline) {
                Thread.sleep(5); // a holds the .part lock, its body held by the server
            }
            Future<StoredModel> second = pool.submit(() -> b.pull(REPO, PullListener.NONE));
            while (hub.listings() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(300); // b now waits for the lock
            release.countDown();
            assertThat(Files.readAllBytes(first.get(30, TimeUnit.SECONDS).primaryPath())).isEqualTo(q4);
            assertThat(Files.readAllBytes(second.get(30, TimeUnit.SECONDS).primaryPath())).isEqualTo(q4);
        } finally {
            pool.shutdownNow();
        }
        assertThat(hub.contentRequests(Q4)).isEqualTo(1);
        assertThat(filesUnder(root)).noneMatch(f -> f.endsWith(".part"));
    }

    @Test
    void cancelLeavesAResumablePart() throws Exception {
        hub.throttle(32 << 10, 5);
        ModelStore store = store(root, hub);
        CancelToken cancel = new CancelToken();
        PullListener cancelAtOneMiB = p -> {
            if (p.bytesDone() > (1 << 20)) {
                cancel.cancel();
            }
        };

        assertThatThrownBy(() -> store.pull(REPO, cancelAtOneMiB, cancel))
                .isInstanceOf(DownloadCancelledException.class);

        Path part = root.resolve("hf.co/acme/Tiny-GGUF/Q4_K_M/" + Q4 + ".part");
        assertThat(part).exists();
        long kept = Files.size(part);
        assertThat(kept).isGreaterThan(1 << 20).isLessThan(q4.length);
        assertThat(java.util.Arrays.mismatch(Files.readAllBytes(part), java.util.Arrays.copyOf(q4, (int) kept)))
                .isEqualTo(-1);
        assertThat(store.list()).isEmpty();

        hub.throttle(0, 0);
        StoreFixture.Recorder progress = new StoreFixture.Recorder();
        StoredModel m = store.pull(REPO, progress, new CancelToken());
        assertThat(Files.readAllBytes(m.primaryPath())).isEqualTo(q4);
        assertThat(hub.ranges(Q4)).containsExactly("", "bytes=" + kept + "-");
        assertThat(part).doesNotExist();
        // The resumed bytes count as done from the start, not as speed.
        PullProgress firstDownloading = progress.events.stream()
                .filter(p -> p.stage() == PullStage.DOWNLOADING).findFirst().orElseThrow();
        assertThat(firstDownloading.bytesDone()).isEqualTo(kept);
    }

    @Test
    void interruptingThePullingThreadCancelsItAndKeepsThePart() throws Exception {
        hub.throttle(32 << 10, 5);
        ModelStore store = store(root, hub);
        Thread puller = Thread.currentThread();
        PullListener interruptAtHalfMiB = p -> {
            if (p.bytesDone() > (512 << 10)) {
                puller.interrupt();
            }
        };
        try {
            assertThatThrownBy(() -> store.pull(REPO + ":Q8_0", interruptAtHalfMiB, new CancelToken()))
                    .isInstanceOf(DownloadCancelledException.class);
            assertThat(Thread.interrupted()).as("interrupt flag restored").isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(root.resolve("hf.co/acme/Tiny-GGUF/Q8_0/" + Q8 + ".part")).exists();
    }

    @Test
    void notEnoughDiskSpaceFailsBeforeDownloading() {
        ModelStore store = StoreFixture.storeWithFreeSpace(root, hub, 1000);
        assertThatThrownBy(() -> store.pull(REPO, PullListener.NONE))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.DISK_SPACE);
                    assertThat(e.getMessage()).contains("not enough disk space").contains("1000 B are free");
                });
        assertThat(hub.totalContentRequests()).isZero();
    }

    @Test
    void missingOrAmbiguousQuantListsWhatTheRepoHas() {
        hub.repo(REPO).file("Tiny-Instruct-Q8_0.gguf", new byte[100]);
        ModelStore store = store(root, hub);
        assertThatThrownBy(() -> store.pull(REPO + ":Q5_K_M", PullListener.NONE))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.NO_MATCH);
                    assertThat(e.getMessage()).contains("no GGUF file with quantization Q5_K_M")
                            .contains("Q4_K_M (" + Q4).contains("Q8_0 (" + Q8).doesNotContain("mmproj");
                });
        assertThatThrownBy(() -> store.pull(REPO + ":Q8_0", PullListener.NONE))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.NO_MATCH);
                    assertThat(e.getMessage()).contains("ambiguous").contains(Q8).contains("Tiny-Instruct-Q8_0.gguf");
                });
        assertThatThrownBy(() -> store.pull("acme/nope", PullListener.NONE))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.NOT_FOUND);
                    assertThat(e.getMessage()).contains("hf.co/acme/nope").contains("not found");
                });
        assertThat(hub.totalContentRequests()).isZero();
    }

    @Test
    void ambiguousQuantResolvesByFileNameUnderAStemTag() throws Exception {
        hub.repo(REPO).file("Tiny-Instruct-Q8_0.gguf", TestModels.gguf("llama", 4, 9));
        ModelStore store = store(root, hub);
        StoredModel m = store.pull(REPO + "/Tiny-Instruct-Q8_0.gguf", PullListener.NONE);
        assertThat(m.name()).isEqualTo("hf.co/" + REPO + ":Tiny-Instruct-Q8_0");
        assertThat(store.resolveLocal("hf.co/" + REPO + ":Tiny-Instruct-Q8_0")).contains(m.primaryPath());
        assertThat(store.resolveLocal(REPO + "/Tiny-Instruct-Q8_0.gguf")).contains(m.primaryPath());
    }

    @Test
    void repullOfAnUnchangedModelDownloadsNothingAndAChangedFileIsReplaced() throws Exception {
        ModelStore store = store(root, hub);
        store.pull(REPO, PullListener.NONE);
        store.pull(REPO, PullListener.NONE);
        assertThat(hub.contentRequests(Q4)).isEqualTo(1);

        // Same size, other content: only the checksum tells the versions apart.
        byte[] updated = TestModels.gguf("llama", 480, 42);
        assertThat(updated).hasSameSizeAs(q4).isNotEqualTo(q4);
        hub.repo(REPO).file(Q4, updated);
        StoredModel m = store.pull(REPO, PullListener.NONE);
        assertThat(Files.readAllBytes(m.primaryPath())).isEqualTo(updated);
        assertThat(m.manifest().files().getFirst().sha256()).isEqualTo(FakeHub.sha256Hex(updated));
        assertThat(hub.contentRequests(Q4)).isEqualTo(2);
    }

    @Test
    void stalePartOfAnOlderVersionIsReplacedByAFreshDownload() throws Exception {
        Path dir = root.resolve("hf.co/acme/Tiny-GGUF/Q4_K_M");
        Files.createDirectories(dir);
        byte[] stale = new byte[500_000];
        new java.util.Random(99).nextBytes(stale);
        Files.write(dir.resolve(Q4 + ".part"), stale);

        StoredModel m = store(root, hub).pull(REPO, PullListener.NONE);

        assertThat(Files.readAllBytes(m.primaryPath())).isEqualTo(q4);
        assertThat(hub.ranges(Q4)).containsExactly("bytes=500000-", "");
    }

    @Test
    void serverIgnoringRangeStillGivesAVerifiedFile() throws Exception {
        hub.repo(REPO).ignoreRange().dropAt(Q8, 400_000, 1);
        StoredModel m = store(root, hub).pull(REPO + ":Q8_0", PullListener.NONE);
        assertThat(Files.readAllBytes(m.primaryPath())).isEqualTo(q8);
        assertThat(hub.contentRequests(Q8)).isEqualTo(2);
    }

    @Test
    void persistentNetworkFailureGivesUpAndKeepsThePartForLater() throws Exception {
        hub.repo(REPO).dropAt(Q8, 300_000, 100);
        ModelStore store = store(root, hub);
        assertThatThrownBy(() -> store.pull(REPO + ":Q8_0", PullListener.NONE))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.NETWORK);
                    assertThat(e.getMessage()).contains("failed 4 times").contains("run the pull again");
                });
        // Attempts that make progress reset the count; then maxAttempts (4) in a row failed.
        assertThat(hub.contentRequests(Q8)).isBetween(4, 5);
        Path part = root.resolve("hf.co/acme/Tiny-GGUF/Q8_0/" + Q8 + ".part");
        long kept = Files.size(part);
        assertThat(kept).isBetween(1L, 300_000L);
        assertThat(store.list()).isEmpty();

        // Once the network is back, the next pull resumes from the kept part.
        hub.repo(REPO).dropAt(Q8, 0, 0);
        StoredModel m = store.pull(REPO + ":Q8_0", PullListener.NONE);
        assertThat(Files.readAllBytes(m.primaryPath())).isEqualTo(q8);
        assertThat(hub.ranges(Q8).getLast()).isEqualTo("bytes=" + kept + "-");
    }
    @Test
    void aDownloadBelowTheMinimumRateTimesOutAndKeepsAResumablePart() throws Exception {
        hub.throttle(4 << 10, 50); // about 80 KiB/s
        ModelStore store = new ModelStore(root, new HubClient(StoreFixture.config(hub, null)
                .withMinRate(new MinRate(512 << 10, Duration.ofSeconds(1)))), name -> false);
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> store.pull(REPO + ":Q8_0", PullListener.NONE))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.NETWORK);
                    assertThat(e.getMessage()).contains("timed out, slower than 512 KiB/s for 1 s")
                            .contains("run the pull again to resume").doesNotContain("\n");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(hub.contentRequests(Q8)).as("a timeout is not retried").isEqualTo(1);
        Path part = root.resolve("hf.co/acme/Tiny-GGUF/Q8_0/" + Q8 + ".part");
        long kept = Files.size(part);
        assertThat(kept).isBetween(1L, (long) q8.length - 1);

        // Not a model yet, but listed as what it is, with how far it got.
        assertThat(store.list()).isEmpty();
        assertThat(store.partials()).singleElement().satisfies(p -> {
            assertThat(p.name()).isEqualTo("hf.co/acme/Tiny-GGUF:Q8_0");
            assertThat(p.bytesOnDisk()).isEqualTo(kept);
            assertThat(p.totalBytes()).isEqualTo(q8.length);
            assertThat(p.describe()).isEqualTo("partial, " + kept * 100 / q8.length
                    + "% — resume with jllm pull hf.co/acme/Tiny-GGUF:Q8_0");
        });

        hub.throttle(0, 0);
        StoredModel m = store.pull(REPO + ":Q8_0", PullListener.NONE);
        assertThat(Files.readAllBytes(m.primaryPath())).isEqualTo(q8);
        assertThat(hub.ranges(Q8).getLast()).isEqualTo("bytes=" + kept + "-");
        assertThat(store.partials()).isEmpty();
        assertThat(filesUnder(root)).noneMatch(f -> f.endsWith(PartialPull.MARKER));
    }

    @Test
    void whatAFailedPullLeftIsRemovableByName() throws Exception {
        hub.repo(REPO).dropAt(Q4, 300_000, 100);
        ModelStore store = store(root, hub);
        assertThatThrownBy(() -> store.pull(REPO, PullListener.NONE)).isInstanceOf(HubException.class);
        assertThat(store.partials()).extracting(PartialPull::name).containsExactly("hf.co/acme/Tiny-GGUF:Q4_K_M");
        assertThat(store.removePartial("acme/tiny-gguf:Q8_0")).as("another tag").isEmpty();
        assertThat(store.removePartial("hf.co/acme/Tiny-GGUF:Q4_K_M")).isPresent();
        assertThat(store.partials()).isEmpty();
        assertThat(filesUnder(root)).isEmpty();
    }
}
