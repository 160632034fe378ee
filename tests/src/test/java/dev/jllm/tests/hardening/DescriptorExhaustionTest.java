package dev.jllm.tests.hardening;

import dev.jllm.tests.support.ServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server with few file descriptors ({@code ulimit -n 256}) flooded with more connections than it has
 * descriptors: it never runs out (connections beyond its bound wait in the listen backlog), and once the flood is
 * gone it answers again at once: the listener never dies while the process lives on.
 */
class DescriptorExhaustionTest {

    @Test
    void aConnectionFloodBeyondTheDescriptorLimitIsSurvived(@TempDir Path home) throws Exception {
        try (ServerProcess server = ServerProcess.start(home, "ulimit -n 256", List.of(), java.util.Map.of())) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            URI health = URI.create("http://127.0.0.1:" + server.port() + "/health");
            assertThat(client.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(200);

            List<Socket> flood = new ArrayList<>();
            try {
                for (int i = 0; i < 400; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 2000);
                        flood.add(s);
                    } catch (java.io.IOException e) {
                        s.close(); // the backlog is full: the flood has done what it can
                        break;
                    }
                }
                assertThat(flood.size()).as("connections opened").isGreaterThan(256);
                Thread.sleep(1000); // let the server accept what it will
            } finally {
                for (Socket s : flood) {
                    s.close();
                }
            }

            long t0 = System.nanoTime();
            int status = 0;
            while (System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos()) {
                try {
                    status = client.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode();
                    if (status == 200) {
                        break;
                    }
                } catch (java.io.IOException e) {
                    Thread.sleep(200);
                }
            }
            assertThat(status).as(server.logTail()).isEqualTo(200);
            assertThat(server.isAlive()).isTrue();
            assertThat(server.logTail()).doesNotContain("terminating now");
        }
    }
}
