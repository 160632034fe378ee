package dev.jllm.proxy;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxySettingsTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080", "http://127.0.0.1:8080/", "http://127.0.0.1:8080/v1",
            " http://127.0.0.1:8080/v1/ "})
    void theServerUrlIsReducedToItsRoot(String url) {
        assertThat(ProxySettings.serverRoot(url).toString()).isEqualTo("http://127.0.0.1:8080");
    }

    @Test
    void aPathPrefixOtherThanV1IsKept() {
        assertThat(ProxySettings.serverRoot("https://host/jllm/v1").toString()).isEqualTo("https://host/jllm");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "127.0.0.1:8080", "ftp://host", "http://", "http://host:8080?x=1",
            "http://host/#f", "http://ho st"})
    void malformedUrlsAreInvalidRequests(String url) {
        assertThatThrownBy(() -> ProxySettings.serverRoot(url)).isInstanceOfSatisfying(LlmException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST));
    }

    @Test
    void theBuilderChecksItsLimits() {
        assertThatThrownBy(() -> LlmServiceProxy.builder("http://h:1").idleTimeout(Duration.ZERO))
                .isInstanceOfSatisfying(LlmException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST));
        assertThatThrownBy(() -> LlmServiceProxy.builder("http://h:1").reconnectWindow(Duration.ofSeconds(-1))
                .build()).isInstanceOfSatisfying(LlmException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST));
        assertThatThrownBy(() -> LlmServiceProxy.builder(null).build()).isInstanceOf(LlmException.class)
                .hasMessageContaining("URL");
    }

    @Test
    void aBlankKeyIsNoKey() {
        ProxySettings s = new ProxySettings(ProxySettings.serverRoot("http://h:1"), "  ",
                dev.jllm.api.HttpTimeouts.DEFAULTS, Duration.ZERO);
        assertThat(s.apiKey()).isNull();
        assertThat(s.resolve("/v1/jobs").toString()).isEqualTo("http://h:1/v1/jobs");
    }

    @Test
    void buildingSendsNothingAndAClosedProxyRefusesCalls() {
        LlmServiceProxy proxy = LlmServiceProxy.connect("http://127.0.0.1:9");
        assertThat(proxy.server().toString()).isEqualTo("http://127.0.0.1:9");
        proxy.close();
        proxy.close();
        assertThatThrownBy(proxy::list).isInstanceOfSatisfying(LlmException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(e.getMessage()).contains("closed");
        });
    }
}
