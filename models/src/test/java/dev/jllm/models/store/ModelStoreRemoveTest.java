package dev.jllm.models.store;

import dev.jllm.models.testing.FakeHub;
import dev.jllm.models.testing.TestModels;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static dev.jllm.models.store.StoreFixture.filesUnder;
import static dev.jllm.models.store.StoreFixture.store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelStoreRemoveTest {
    private static final String REPO = "acme/Tiny-GGUF";

    @TempDir
    Path tmp;
    Path root;
    Path outside;
    FakeHub hub;
    final Set<String> loaded = ConcurrentHashMap.newKeySet();
    ModelStore store;

    @BeforeEach
    void setUp() throws Exception {
        root = tmp.resolve("home/models");
        outside = tmp.resolve("precious");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("keep.txt"), "do not delete");
        hub = new FakeHub();
        hub.repo(REPO).file("Tiny-Q4_K_M.gguf", TestModels.gguf("llama", 8, 1))
                .file("Tiny-Q8_0.gguf", TestModels.gguf("llama", 8, 2));
        store = store(root, hub, null, loaded::contains);
        store.pull(REPO + ":Q4_K_M", PullListener.NONE);
        store.pull(REPO + ":Q8_0", PullListener.NONE);
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    @Test
    void removesOneModelAndKeepsItsSibling() throws Exception {
        StoredModel removed = store.remove("hf.co/" + REPO + ":q8_0", false);
        assertThat(removed.name()).isEqualTo("hf.co/" + REPO + ":Q8_0");
        assertThat(removed.directory()).doesNotExist();
        assertThat(store.list()).extracting(StoredModel::name).containsExactly("hf.co/" + REPO + ":Q4_K_M");

        store.remove(REPO, false); // the only one left
        assertThat(store.list()).isEmpty();
        // Empty owner/repo folders go too; nothing of the store is left but its root.
        assertThat(filesUnder(root)).isEmpty();
        assertThat(root.resolve("hf.co")).doesNotExist();
    }

    @Test
    void refusesNamesThatClimbOutOfTheStore() {
        for (String ref : new String[] {"../precious", "../../precious/keep.txt", "hf.co/../../precious",
                "hf.co/acme/../../../precious", "acme/Tiny-GGUF/../../..", "..\\precious",
                root + "/../../precious"}) {
            assertThatThrownBy(() -> store.remove(ref, true)).as(ref)
                    .isInstanceOf(ModelStoreException.class)
                    .hasMessageContaining("refusing");
        }
        assertThat(outside.resolve("keep.txt")).exists();
        assertThat(store.list()).hasSize(2);
    }

    @Test
    void refusesAbsolutePathsOutsideTheStoreAndPathsThatAreNotStoreModels() throws Exception {
        assertThatThrownBy(() -> store.remove(outside.toString(), true))
                .isInstanceOf(ModelStoreException.class).hasMessageContaining("outside the model store");
        assertThatThrownBy(() -> store.remove("/etc", true))
                .isInstanceOf(ModelStoreException.class).hasMessageContaining("outside the model store");
        assertThatThrownBy(() -> store.remove(root.toString(), true))
                .isInstanceOf(ModelStoreException.class).hasMessageContaining("outside the model store");
        assertThatThrownBy(() -> store.remove(root.resolve("hf.co/acme").toString(), true))
                .isInstanceOf(ModelStoreException.class).hasMessageContaining("not a model in the store");
        assertThatThrownBy(() -> store.remove("./precious", true))
                .isInstanceOf(ModelStoreException.class).hasMessageContaining("not a model in the store");
        assertThat(outside.resolve("keep.txt")).exists();
        assertThat(store.list()).hasSize(2);
    }

    @Test
    void refusesALinkInsideTheStoreThatLeadsOutside() throws Exception {
        Path link = root.resolve("hf.co/evil");
        Files.createSymbolicLink(link, outside);
        assertThatThrownBy(() -> store.remove(link.resolve("keep.txt").toString(), true))
                .isInstanceOf(ModelStoreException.class).hasMessageContaining("outside the model store");
        assertThat(outside.resolve("keep.txt")).exists();
    }

    @Test
    void removesByAbsolutePathInsideTheStore() {
        StoredModel q8 = store.find(REPO + ":Q8_0").orElseThrow();
        store.remove(q8.primaryPath().toString(), false);
        assertThat(q8.directory()).doesNotExist();
        assertThat(store.list()).hasSize(1);
    }

    @Test
    void refusesALoadedModelUnlessForced() {
        loaded.add("hf.co/" + REPO + ":Q4_K_M");
        assertThatThrownBy(() -> store.remove(REPO + ":Q4_K_M", false))
                .isInstanceOf(ModelStoreException.class).hasMessageContaining("is loaded");
        assertThat(store.list()).hasSize(2);
        store.remove(REPO + ":Q4_K_M", true);
        assertThat(store.list()).hasSize(1);
    }

    @Test
    void unknownOrAmbiguousNamesSaySoAndSuggest() {
        assertThatThrownBy(() -> store.remove(REPO + ":Q5_K_M", false))
                .isInstanceOf(ModelStoreException.class)
                .hasMessageContaining("no model hf.co/" + REPO + ":Q5_K_M in the store")
                .hasMessageContaining("hf.co/" + REPO + ":Q8_0");
        // Two models of the repo and no tag: the Q4_K_M one is the default, as for pulls.
        assertThat(store.find(REPO)).map(StoredModel::name).contains("hf.co/" + REPO + ":Q4_K_M");
        store.remove(REPO + ":Q4_K_M", false);
        hub.repo(REPO).file("Tiny-Q6_K.gguf", TestModels.gguf("llama", 8, 3));
        store.pull(REPO + ":Q6_K", PullListener.NONE);
        assertThatThrownBy(() -> store.remove(REPO, false))
                .isInstanceOf(ModelStoreException.class).hasMessageContaining("ambiguous")
                .hasMessageContaining(":Q6_K").hasMessageContaining(":Q8_0");
        assertThat(store.list()).hasSize(2);
    }

    @Test
    void removesAnUnfinishedPullsPartsWithTheModel() throws Exception {
        StoredModel q4 = store.find(REPO + ":Q4_K_M").orElseThrow();
        Files.writeString(q4.directory().resolve("extra.gguf.part"), "partial");
        store.remove(REPO + ":Q4_K_M", false);
        assertThat(q4.directory()).doesNotExist();
    }
}
