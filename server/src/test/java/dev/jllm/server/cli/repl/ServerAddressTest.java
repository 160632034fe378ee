package dev.jllm.server.cli.repl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerAddressTest {

    /** JLLM_HOST as users write it (unset, blank, a host, host:port, a URL) and the base URL it means. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "(unset)", textBlock = """
            (unset)                | http://127.0.0.1:8080
            ' '                    | http://127.0.0.1:8080
            localhost              | http://localhost:8080
            10.0.0.2:9000          | http://10.0.0.2:9000
            http://box:9000/       | http://box:9000
            https://box:8443/jllm/ | https://box:8443/jllm
            [::1]:8081             | http://[::1]:8081
            """)
    void hostsAsUsersWriteThem(String host, String baseUrl) {
        assertThat(ServerAddress.baseUrl(host)).isEqualTo(baseUrl);
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
