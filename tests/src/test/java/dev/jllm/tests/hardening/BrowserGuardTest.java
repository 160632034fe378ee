package dev.jllm.tests.hardening;

import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.TestServer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Web pages on other sites cannot drive the API: a foreign {@code Origin} is refused with 403 (not merely left
 * without CORS headers), non-JSON bodies (what a form post or a no-preflight fetch sends) with 415, and on a
 * loopback bind a {@code Host} that is not a loopback name (DNS rebinding) with 403. The server's own origin, as a
 * page it serves would send, and the configured origins pass.
 */
class BrowserGuardTest {

    private static final String CHAT = Http.chat("fake", "hi");

    @Test
    void foreignOriginsAreRefusedOwnAndConfiguredOnesPass() {
        try (TestServer server = TestServer.start(c -> c.withCorsOrigins(List.of("http://good.example")))) {
            int port = server.port();
            RawHttp.Answer evil = exchange(port, RawHttp.post("/v1/chat/completions",
                    "Origin: http://evil.example\r\nContent-Type: application/json\r\n", CHAT));
            assertThat(evil.status()).as(evil.body()).isEqualTo(403);
            assertThat(evil.body()).contains("origin_not_allowed").contains("http://evil.example");
            assertThat(evil.header("Access-Control-Allow-Origin")).isNull();
            assertThat(server.upstream().chatRequests()).isEmpty();

            RawHttp.Answer evilGet = exchange(port, RawHttp.get("/v1/models",
                    "Host: 127.0.0.1\r\nOrigin: http://evil.example\r\n"));
            assertThat(evilGet.status()).isEqualTo(403);
            RawHttp.Answer nullOrigin = exchange(port, RawHttp.get("/v1/models",
                    "Host: 127.0.0.1\r\nOrigin: null\r\n"));
            assertThat(nullOrigin.status()).isEqualTo(403);

            RawHttp.Answer good = exchange(port, RawHttp.post("/v1/chat/completions",
                    "Origin: http://good.example\r\nContent-Type: application/json\r\n", CHAT));
            assertThat(good.status()).as(good.body()).isEqualTo(200);
            assertThat(good.header("Access-Control-Allow-Origin")).isEqualTo("http://good.example");

            // A page served by jllm itself: Origin is the server as the browser reached it.
            RawHttp.Answer own = exchange(port, "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost:" + port
                    + "\r\nOrigin: http://localhost:" + port + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + CHAT.length() + "\r\n\r\n" + CHAT);
            assertThat(own.status()).as(own.body()).isEqualTo(200);
            // Same host name, other port: another site.
            RawHttp.Answer otherPort = exchange(port, RawHttp.get("/v1/models", "Host: localhost:" + port
                    + "\r\nOrigin: http://localhost:" + (port == 1 ? 2 : port - 1) + "\r\n"));
            assertThat(otherPort.status()).isEqualTo(403);
        }
    }

    @Test
    void withoutCorsOriginsOnlyTheServersOwnOriginPasses() {
        try (TestServer server = TestServer.start()) {
            int port = server.port();
            assertThat(exchange(port, RawHttp.post("/v1/jobs", "Origin: https://evil.example\r\n"
                    + "Content-Type: application/json\r\n", "{\"type\":\"service.info\"}")).status()).isEqualTo(403);
            RawHttp.Answer preflight = exchange(port, "OPTIONS /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Origin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\n\r\n");
            assertThat(preflight.status()).isEqualTo(403);
            RawHttp.Answer own = exchange(port, RawHttp.get("/v1/models", "Host: 127.0.0.1:" + port
                    + "\r\nOrigin: http://127.0.0.1:" + port + "\r\n"));
            assertThat(own.status()).as(own.body()).isEqualTo(200);
            // No Origin at all (curl, SDKs): not a browser, nothing to check.
            assertThat(exchange(port, RawHttp.get("/v1/models", "Host: 127.0.0.1\r\n")).status()).isEqualTo(200);
        }
    }

    @Test
    void nonJsonBodiesAre415BeforeAnythingRuns() {
        try (TestServer server = TestServer.start()) {
            int port = server.port();
            for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data;"
                    + " boundary=x")) {
                for (String path : List.of("/v1/chat/completions", "/v1/completions", "/v1/jobs")) {
                    RawHttp.Answer a = exchange(port, RawHttp.post(path, "Content-Type: " + type + "\r\n", CHAT));
                    assertThat(a.status()).as(path + " " + type + ": " + a.body()).isEqualTo(415);
                    assertThat(a.body()).contains("unsupported_media_type");
                }
            }
            assertThat(server.upstream().chatRequests()).isEmpty();
            assertThat(exchange(port, RawHttp.post("/v1/chat/completions",
                    "Content-Type: application/json; charset=utf-8\r\n", CHAT)).status()).isEqualTo(200);
            assertThat(exchange(port, RawHttp.post("/v1/chat/completions", "", CHAT)).status())
                    .as("no Content-Type (curl --data-binary)").isEqualTo(200);
        }
    }

    @Test
    void dnsRebindingHostsAreRefusedOnALoopbackBind() {
        try (TestServer server = TestServer.start()) {
            int port = server.port();
            RawHttp.Answer rebound = exchange(port, RawHttp.get("/v1/models", "Host: attacker.example:" + port
                    + "\r\n"));
            assertThat(rebound.status()).isEqualTo(403);
            assertThat(rebound.body()).contains("host_not_allowed");
            // The attacker's page is same-origin with itself: Origin matches Host, still refused.
            RawHttp.Answer withOrigin = exchange(port, "POST /v1/chat/completions HTTP/1.1\r\nHost: attacker.example:"
                    + port + "\r\nOrigin: http://attacker.example:" + port + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + CHAT.length() + "\r\n\r\n" + CHAT);
            assertThat(withOrigin.status()).isEqualTo(403);
            assertThat(server.upstream().chatRequests()).isEmpty();
            for (String host : List.of("localhost", "localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port,
                    "127.0.0.2")) {
                assertThat(exchange(port, RawHttp.get("/v1/models", "Host: " + host + "\r\n")).status())
                        .as(host).isEqualTo(200);
            }
        }
    }

    @Test
    void anyHostIsAcceptedWhenBoundBeyondLoopback() {
        try (TestServer server = TestServer.start(c -> c.withHost("0.0.0.0"))) {
            assertThat(exchange(server.port(), RawHttp.get("/v1/models", "Host: jllm.lan:" + server.port()
                    + "\r\n")).status()).isEqualTo(200);
        }
    }

    private static RawHttp.Answer exchange(int port, String request) {
        try (RawHttp c = new RawHttp(port, 30_000)) {
            return c.send(request).read();
        }
    }
}
