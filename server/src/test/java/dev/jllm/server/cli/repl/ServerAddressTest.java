package dev.jllm.server.cli.repl;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerAddressTest {

    @Test
    void hostsAsUsersWriteThem() {
        assertThat(ServerAddress.baseUrl(null)).isEqualTo("http://127.0.0.1:8080");
        assertThat(ServerAddress.baseUrl(" ")).isEqualTo("http://127.0.0.1:8080");
        assertThat(ServerAddress.baseUrl("localhost")).isEqualTo("http://localhost:8080");
        assertThat(ServerAddress.baseUrl("10.0.0.2:9000")).isEqualTo("http://10.0.0.2:9000");
        assertThat(ServerAddress.baseUrl("http://box:9000/")).isEqualTo("http://box:9000");
        assertThat(ServerAddress.baseUrl("https://box:8443/jllm/")).isEqualTo("https://box:8443/jllm");
        assertThat(ServerAddress.baseUrl("[::1]:8081")).isEqualTo("http://[::1]:8081");
    }

    @Test
    void nonsenseIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> ServerAddress.baseUrl("ftp://box")).hasMessage(
                "JLLM_HOST must be HOST, HOST:PORT or http://HOST:PORT, got 'ftp://box'");
        assertThatThrownBy(() -> ServerAddress.baseUrl("box:port")).hasMessageStartingWith("JLLM_HOST must be");
    }

    @Test
    void theModelIsNamedAsTheServerListsIt() {
        List<String> ids = List.of("stories260K", "qwen", "/models/stories260K.gguf");
        assertThat(RemoteBackend.match("qwen", ids)).contains("qwen");
        assertThat(RemoteBackend.match("/models/stories260K.gguf", ids)).contains("/models/stories260K.gguf");
        // the default alias of jllm serve --model: the file name without .gguf
        assertThat(RemoteBackend.match("../elsewhere/stories260K.gguf", ids)).contains("stories260K");
        assertThat(RemoteBackend.match("llama", ids)).isEmpty();
    }
}
