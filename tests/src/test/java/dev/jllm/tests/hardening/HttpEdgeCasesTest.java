package dev.jllm.tests.hardening;

import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.TestServer;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and broken HTTP over raw sockets: no request smuggling after a 413, no hang on a malformed chunked body,
 * a 400 for an invalid method, a truthful answer to HTTP/1.0, slow clients cut off by read timeouts, and a client
 * leaving mid-upload counted as a disconnect, not a server error.
 */
class HttpEdgeCasesTest {

    private static final String SMUGGLED = "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    @Test
    void afterA413TheRestOfTheBodyIsNeverReadAsARequest() {
        try (TestServer server = TestServer.start(c -> c.withMaxBodyBytes(1000))) {
            // Declared too large: refused before reading; the body holds a second request.
            String body = SMUGGLED.repeat(200);
            try (RawHttp c = new RawHttp(server.port(), 10_000)) {
                c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body);
                RawHttp.Answer a = c.read();
                assertThat(a.status()).isEqualTo(413);
                assertThat(a.header("Connection")).isEqualToIgnoringCase("close");
                assertThat(c.closedByServer()).as("connection closed after the 413").isTrue();
            }
            // Chunked, found too large while reading.
            StringBuilder chunked = new StringBuilder("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 40; i++) {
                chunked.append(Integer.toHexString(SMUGGLED.length())).append("\r\n").append(SMUGGLED).append("\r\n");
            }
            chunked.append("0\r\n\r\n").append(SMUGGLED);
            try (RawHttp c = new RawHttp(server.port(), 10_000)) {
                c.send(chunked.toString());
                RawHttp.Answer a = c.read();
                assertThat(a.status()).isEqualTo(413);
                assertThat(c.closedByServer()).as("connection closed after the 413").isTrue();
            }
            assertThat(server.upstream().chatRequests()).isEmpty();
        }
    }

    @Test
    void malformedChunkedBodyIsA400NotAHang() {
        try (TestServer server = TestServer.start()) {
            try (RawHttp c = new RawHttp(server.port(), 10_000)) {
                c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\nZZ-not-hex\r\n{}\r\n0\r\n\r\n");
                RawHttp.Answer a = c.read();
                assertThat(a.status()).as(a.head() + a.body()).isEqualTo(400);
            }
            try (RawHttp c = new RawHttp(server.port(), 10_000)) {
                // chunk longer than announced
                c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n2\r\n{\"a\":1}\r\n0\r\n\r\n");
                RawHttp.Answer a = c.read();
                assertThat(a.status()).as(a.head() + a.body()).isEqualTo(400);
            }
        }
    }

    @Test
    void invalidMethodTokenIsA400() {
        try (TestServer server = TestServer.start()) {
            try (RawHttp c = new RawHttp(server.port(), 10_000)) {
                RawHttp.Answer a = c.send("G(T /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").read();
                assertThat(a.status()).as(a.head() + a.body()).isEqualTo(400);
                assertThat(a.body()).contains("\"error\"");
            }
        }
    }

    @Test
    void http10IsServedTruthfully() {
        try (TestServer server = TestServer.start()) {
            try (RawHttp c = new RawHttp(server.port(), 10_000)) {
                RawHttp.Answer a = c.send("GET /v1/models HTTP/1.0\r\n\r\n").read();
                assertThat(a.head()).as(a.head() + a.body()).satisfiesAnyOf(
                        h -> assertThat(h).startsWith("HTTP/1.1 200"),
                        h -> assertThat(h).startsWith("HTTP/1.1 505"));
                if (a.status() == 505) {
                    assertThat(a.body()).contains("HTTP/1.0");
                } else {
                    assertThat(a.body()).contains("\"data\"");
                }
            }
        }
    }

    @Test
    void slowHeadersAndBodiesAreCutOff() {
        try (TestServer server = TestServer.start(c -> c.withReadTimeout(Duration.ofSeconds(1)))) {
            long t0 = System.nanoTime();
            try (RawHttp c = new RawHttp(server.port(), 10_000)) {
                c.send("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n"); // the headers never end
                assertThat(c.closedByServer()).isTrue();
            }
            try (RawHttp c = new RawHttp(server.port(), 10_000)) {
                c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100\r\n\r\n{\"model\":");
                // the body never ends: either an error answer then close, or a close
                assertThat(readsToClose(c)).isTrue();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
        }
    }

    @Test
    void clientLeavingMidUploadIsADisconnectNotA500() throws Exception {
        try (TestServer server = TestServer.start()) {
            try (RawHttp c = new RawHttp(server.port(), 10_000)) {
                c.send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100000\r\n\r\n{\"model\":\"fake\",\"messages\":[");
                Thread.sleep(200);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            String metrics = "";
            while (System.nanoTime() < deadline) {
                metrics = server.http().get("/metrics").body();
                if (metrics.contains("jllm_client_disconnects_total{route=\"/v1/chat/completions\"} 1")) {
                    break;
                }
                Thread.sleep(50);
            }
            assertThat(metrics).contains("jllm_client_disconnects_total{route=\"/v1/chat/completions\"} 1");
            assertThat(metrics).doesNotContain("status=\"500\"");
            HttpResponse<String> next = server.http().post("/v1/chat/completions", Http.chat("fake", "hi"));
            assertThat(next.statusCode()).isEqualTo(200);
        }
    }

    private static boolean readsToClose(RawHttp c) {
        try {
            c.read();
        } catch (RuntimeException e) {
            return !(e.getCause() instanceof java.net.SocketTimeoutException);
        }
        return c.closedByServer();
    }
}
