package dev.jllm.tests;

import dev.jllm.tests.support.Http;
import dev.jllm.tests.support.TestServer;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that disconnects in the middle of a stream cancels its generation: the upstream stream is aborted
 * and the slot is free for the next request at once.
 */
class DisconnectTest {

    @Test
    void disconnectMidStreamFreesTheSlotAndCancelsUpstream() throws Exception {
        // One slot, nobody may wait: a slot still held would turn the next request into a 503.
        try (TestServer server = TestServer.start(c -> c.withParallel(1).withMaxQueued(1)
                .withMaxQueueWait(Duration.ofSeconds(2)))) {
            String body = Http.chat("fake", "[slow] a long story", "\"stream\":true");
            try (Socket socket = new Socket("127.0.0.1", server.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/json\r\nContent-Length: "
                        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                InputStream in = socket.getInputStream();
                String seen = readUntil(in, "data: ");
                assertThat(seen).startsWith("HTTP/1.1 200");
                assertThat(server.upstream().openStreams()).isEqualTo(1);
            } // the client is gone, 3 of 300 tokens in

            long t0 = System.nanoTime();
            HttpResponse<String> next = server.http().post("/v1/chat/completions", Http.chat("fake", "hi"));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertThat(next.statusCode()).as(next.body()).isEqualTo(200);
            // The abandoned generation had ~30 s to go; the next one is served within a few decode steps.
            assertThat(seconds).isLessThan(2.0);

            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (server.upstream().abortedStreams() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(server.upstream().abortedStreams()).isEqualTo(1);
            assertThat(server.upstream().openStreams()).isZero();
        }
    }

    private static String readUntil(InputStream in, String marker) throws Exception {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            b.append((char) c);
            if (b.indexOf(marker) >= 0) {
                return b.toString();
            }
        }
        throw new AssertionError("the stream ended before '" + marker + "': " + b);
    }
}
