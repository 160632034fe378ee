package dev.jllm.providers.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on 127.0.0.1 (JDK HttpServer, a random port) that tests script route by route to speak the
 * OpenAI and Ollama wire formats, including their failure modes: slow streams, cut streams, split writes.
 */
public final class FakeServer implements AutoCloseable {

    /** A scripted route; {@code body} is the request body already read. */
    @FunctionalInterface
    public interface Route {
        void handle(HttpExchange exchange, String body) throws Exception;
    }

    /** What the server received. */
    public record Received(String method, String path, String authorization, String contentType, String body) { }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    public FakeServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the test server", e);
        }
        server.setExecutor(executor);
        server.start();
    }

    /** The OpenAI-style base URL: http://127.0.0.1:port/v1 */
    public String baseUrl() {
        return root() + "/v1";
    }

    public String root() {
        return "http://127.0.0.1:" + port();
    }

    /** The port it listens on (loopback, picked free when it started). */
    public int port() {
        return server.getAddress().getPort();
    }

    public FakeServer route(String path, Route route) {
        server.createContext(path, exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body));
            try {
                route.handle(exchange, body);
            } catch (IOException e) {
                throw e;
            } catch (Exception e) {
                throw new IOException("route failed", e);
            } finally {
                exchange.close();
            }
        });
        return this;
    }

    public List<Received> received() {
        return received;
    }

    public Received last() {
        return received.getLast();
    }

    // ------------------------------------------------------------------ answers

    public static void json(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    public static void text(HttpExchange ex, int status, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    /** Starts a chunked text/event-stream answer; write to it with {@link #write}. */
    public static OutputStream startSse(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        return ex.getResponseBody();
    }

    /** Starts a chunked NDJSON answer. */
    public static OutputStream startNdjson(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/x-ndjson");
        ex.sendResponseHeaders(200, 0);
        return ex.getResponseBody();
    }

    /** Writes and flushes, so the bytes leave as their own HTTP chunk. */
    public static void write(OutputStream out, byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public static void write(OutputStream out, String s) throws IOException {
        write(out, s.getBytes(StandardCharsets.UTF_8));
    }

    public static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
