package dev.jllm.models.hf;

import dev.jllm.models.testing.FakeHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HubClientTest {
    FakeHub hub;

    @BeforeEach
    void setUp() throws Exception {
        hub = new FakeHub();
    }

    @AfterEach
    void tearDown() {
        hub.close();
    }

    private HubClient client(String token) {
        return new HubClient(HubConfig.of(hub.endpoint(), token)
                .withRetries(3, Duration.ofMillis(5), Duration.ofMillis(20)));
    }

    @Test
    void listingFollowsPagesSkipsDirectoriesAndReadsLfsChecksums() {
        byte[] weights = new byte[1234];
        hub.pageSize(2).repo("a/b").file("config.json", "{}").file("sub/dir/m-Q4_K_M.gguf", weights)
                .file("README.md", "hello");

        List<RepoFile> files = client(null).listFiles("a/b", "main");

        assertThat(files).extracting(RepoFile::path)
                .containsExactly("config.json", "sub/dir/m-Q4_K_M.gguf", "README.md");
        RepoFile gguf = files.get(1);
        assertThat(gguf.size()).isEqualTo(1234);
        assertThat(gguf.sha256()).isEqualTo(FakeHub.sha256Hex(weights));
        assertThat(gguf.gitOid()).isNull();
        RepoFile config = files.getFirst();
        assertThat(config.sha256()).isNull();
        assertThat(config.gitOid()).hasSize(40);
        assertThat(hub.listings()).isGreaterThanOrEqualTo(3); // 2 directories + 3 files in pages of 2
    }

    @Test
    void serverErrorsAreRetriedThenReported() {
        hub.repo("a/b").file("config.json", "{}");
        hub.failListings(2, 503);
        assertThat(client(null).listFiles("a/b", "main")).hasSize(1);

        hub.failListings(5, 502);
        assertThatThrownBy(() -> client(null).listFiles("a/b", "main"))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.NETWORK);
                    assertThat(e.getMessage()).contains("HTTP 502");
                });
    }

    @Test
    void accessErrorsAreExplained() {
        hub.repo("a/gated").file("config.json", "{}").gated("tok");
        assertThatThrownBy(() -> client(null).listFiles("a/gated", "main"))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.ACCESS_DENIED);
                    assertThat(e.getMessage()).contains("hf.co/a/gated")
                            .contains("this repo is gated: accept its licence on the Hub and set HF_TOKEN");
                });
        assertThatThrownBy(() -> client("other").listFiles("a/gated", "main"))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.ACCESS_DENIED);
                    assertThat(e.getMessage()).contains("403").contains("HF_TOKEN given has no access");
                });
        assertThat(client("tok").listFiles("a/gated", "main")).hasSize(1);
        assertThatThrownBy(() -> client(null).listFiles("a/missing", "main"))
                .isInstanceOfSatisfying(HubException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HubException.Reason.NOT_FOUND);
                    assertThat(e.getMessage()).contains("repository not found").contains("set HF_TOKEN");
                });
    }

    @Test
    void aListingThatNamesPathsOutsideTheRepoIsRefused() {
        hub.repo("a/evil").file("../../outside.gguf", new byte[10]);
        assertThatThrownBy(() -> client(null).listFiles("a/evil", "main"))
                .isInstanceOfSatisfying(HubException.class,
                        e -> assertThat(e.reason()).isEqualTo(HubException.Reason.BAD_RESPONSE))
                .hasMessageContaining("leaves its folder");
    }

    @Test
    void aNonHubEndpointIsReportedAsSuch() throws Exception {
        com.sun.net.httpserver.HttpServer s = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", ex -> {
            byte[] b = "<html>hello</html>".getBytes();
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        s.start();
        try {
            HubClient c = new HubClient(HubConfig.of(java.net.URI.create("http://127.0.0.1:"
                    + s.getAddress().getPort()), null));
            assertThatThrownBy(() -> c.listFiles("a/b", "main"))
                    .isInstanceOfSatisfying(HubException.class,
                            e -> assertThat(e.reason()).isEqualTo(HubException.Reason.BAD_RESPONSE))
                    .hasMessageContaining("is HF_ENDPOINT a Hugging Face Hub?");
        } finally {
            s.stop(0);
        }
    }

    @Test
    void configComesFromTheEnvironmentAndNeverPrintsTheToken() {
        HubConfig c = HubConfig.fromEnvironment(Map.of("HF_ENDPOINT", "https://mirror.example/", "HF_TOKEN",
                "hf_abc"));
        assertThat(c.endpoint().toString()).isEqualTo("https://mirror.example");
        assertThat(c.token()).isEqualTo("hf_abc");
        assertThat(c.toString()).doesNotContain("hf_abc");
        assertThat(HubConfig.fromEnvironment(Map.of()).endpoint()).isEqualTo(HubConfig.DEFAULT_ENDPOINT);
        assertThat(HubConfig.fromEnvironment(Map.of("HUGGING_FACE_HUB_TOKEN", "old")).token()).isEqualTo("old");
        assertThatThrownBy(() -> HubConfig.fromEnvironment(Map.of("HF_ENDPOINT", "ftp://x")))
                .hasMessageContaining("http(s)");
        assertThat(c.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(c.backoff(50)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void downloadUrlsEncodeRevisionAndPathSegments() {
        HubClient c = client(null);
        assertThat(c.resolveUri("a/b", "refs/pr/1", "dir/my file.gguf").toString())
                .isEqualTo(hub.endpoint() + "/a/b/resolve/refs%2Fpr%2F1/dir/my%20file.gguf");
        assertThat(HubClient.hexOf("W/\"ABCDEF0123456789abcdef0123456789abcdef01\"", 40))
                .isEqualTo("abcdef0123456789abcdef0123456789abcdef01");
        assertThat(HubClient.hexOf("\"not-a-hash\"", 64)).isNull();
    }
}
