package dev.jllm.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.jllm.api.HttpTimeouts;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The follower against a scripted event endpoint: each connection gets the answer the script gives for it
 * (knowing the Last-Event-ID it was asked with), so resuming, de-duplication, silence and a lost job are checked
 * exactly, without a real server.
 */
@Timeout(30)
class JobEventFollowerTest {

    private final List<String> lastEventIds = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private JobsClient client;

    /** Serves GET /v1/jobs/job_1/events with {@code script.accept(connectionIndex, exchange)}. */
    private void serve(BiConsumer<Integer, HttpExchange> script, Duration idle, Duration window) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/v1/jobs/job_1/events", ex -> {
            String id = ex.getRequestHeaders().getFirst("Last-Event-ID");
            lastEventIds.add(id == null ? "" : id);
            script.accept(lastEventIds.size() - 1, ex);
        });
        server.start();
        ProxySettings settings = new ProxySettings(ProxySettings.serverRoot("http://127.0.0.1:"
                + server.getAddress().getPort()), null, new HttpTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2),
                idle), window);
        client = new JobsClient(settings);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    private static String event(long id, String type, String data) {
        return "id: " + id + "\nevent: " + type + "\ndata: " + data + "\n\n";
    }

    private static void stream(HttpExchange ex, String body, boolean cutAtEnd) {
        try {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write(body.getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (cutAtEnd) {
                throw new IllegalStateException("drop the connection"); // the server closes it mid-answer
            }
            ex.close();
        } catch (IOException e) {
            ex.close();
        }
    }

    private static List<JobEvent> readAll(JobEventFollower f) {
        List<JobEvent> out = new ArrayList<>();
        JobEvent e;
        do {
            e = f.next();
            out.add(e);
        } while (!e.isFinal());
        return out;
    }

    @Test
    void aBrokenStreamIsResumedAfterTheLastEventAndRepeatsAreDropped() throws IOException {
        serve((n, ex) -> {
            switch (n) {
                // half of event 3 arrives, then the connection drops
                case 0 -> stream(ex, event(1, "chunk", "{\"a\":1}") + event(2, "chunk", "{\"a\":2}")
                        + "id: 3\nevent: chunk\ndata: {\"a\"", true);
                // a server that ignored Last-Event-ID would repeat 1 and 2: the reader must not see them twice
                case 1 -> stream(ex, event(2, "chunk", "{\"a\":2}") + event(3, "chunk", "{\"a\":3}"), false);
                default -> stream(ex, event(4, "result", "{\"done\":true}"), false);
            }
        }, Duration.ofSeconds(5), Duration.ofSeconds(5));
        try (JobEventFollower f = new JobEventFollower(client, "job_1")) {
            List<JobEvent> events = readAll(f);
            assertThat(events).extracting(JobEvent::id).containsExactly(1L, 2L, 3L, 4L);
            assertThat(events).extracting(JobEvent::data).containsExactly("{\"a\":1}", "{\"a\":2}", "{\"a\":3}",
                    "{\"done\":true}");
            assertThat(lastEventIds).containsExactly("", "2", "3");
            assertThat(f.connections()).isEqualTo(3);
            assertThatThrownBy(f::next).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aSilentStreamIsReopenedAfterTheIdleLimit() throws IOException {
        serve((n, ex) -> {
            if (n == 0) {
                try {
                    ex.getResponseHeaders().add("Content-Type", "text/event-stream");
                    ex.sendResponseHeaders(200, 0);
                    ex.getResponseBody().write(event(1, "progress", "{}").getBytes(StandardCharsets.UTF_8));
                    ex.getResponseBody().flush();
                    Thread.sleep(10_000); // then nothing, connection open
                } catch (IOException | InterruptedException e) {
                    // the reader gave up on us
                } finally {
                    ex.close();
                }
            } else {
                stream(ex, event(2, "cancelled", "{}"), false);
            }
        }, Duration.ofMillis(300), Duration.ofSeconds(5));
        try (JobEventFollower f = new JobEventFollower(client, "job_1")) {
            long t0 = System.nanoTime();
            assertThat(readAll(f)).extracting(JobEvent::type).containsExactly("progress", "cancelled");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThat(lastEventIds).containsExactly("", "1");
        }
    }

    @Test
    void aServerThatNoLongerKnowsTheJobWasRestarted() throws IOException {
        serve((n, ex) -> {
            if (n == 0) {
                stream(ex, event(1, "chunk", "{}"), true);
            } else {
                try (ex) {
                    byte[] b = "{\"error\":{\"message\":\"no job 'job_1'\",\"type\":\"not_found_error\"}}"
                            .getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(404, b.length);
                    ex.getResponseBody().write(b);
                } catch (IOException ignored) {
                    // the reader went away
                }
            }
        }, Duration.ofSeconds(5), Duration.ofSeconds(5));
        try (JobEventFollower f = new JobEventFollower(client, "job_1")) {
            assertThat(f.next().id()).isEqualTo(1);
            assertThatThrownBy(f::next).isInstanceOfSatisfying(LlmException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                assertThat(e.getMessage()).contains("no longer knows job job_1").contains("restarted");
            });
        }
    }

    @Test
    void aStreamThatKeepsFailingGivesUpAfterTheReconnectWindow() throws IOException {
        serve((n, ex) -> stream(ex, n == 0 ? event(1, "chunk", "{}") : "", true), Duration.ofSeconds(5),
                Duration.ofMillis(500));
        try (JobEventFollower f = new JobEventFollower(client, "job_1")) {
            assertThat(f.next().id()).isEqualTo(1);
            long t0 = System.nanoTime();
            assertThatThrownBy(f::next).isInstanceOfSatisfying(LlmException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
                assertThat(e.getMessage()).contains("could not resume them within 500ms");
            });
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(500)).isLessThan(Duration.ofSeconds(4));
            assertThat(lastEventIds.subList(1, lastEventIds.size())).isNotEmpty().containsOnly("1");
        }
    }

    @Test
    void closingFromAnotherThreadEndsAWaitingRead() throws Exception {
        serve((n, ex) -> {
            try {
                ex.getResponseHeaders().add("Content-Type", "text/event-stream");
                ex.sendResponseHeaders(200, 0);
                ex.getResponseBody().flush();
                Thread.sleep(10_000);
            } catch (IOException | InterruptedException e) {
                // closed
            } finally {
                ex.close();
            }
        }, Duration.ofSeconds(30), Duration.ofSeconds(30));
        JobEventFollower f = new JobEventFollower(client, "job_1");
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException ignored) {
                // closing anyway
            }
            f.close();
        });
        long t0 = System.nanoTime();
        assertThatThrownBy(f::next).isInstanceOfSatisfying(LlmException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.CANCELLED));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    }
}
