package dev.jllm.tests.behaviour;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Just enough of the Hugging Face Hub for {@code serve} to pull a model: one repo, {@value #REPO}, holding one
 * GGUF file (the given model, listed with its LFS sha256 and size), sent in small pieces so that a pull reports
 * several download steps. A test can hold downloads (to have a long-running serve to cancel) and count them.
 */
final class MiniHub implements AutoCloseable {

    static final String REPO = "jllm-test/stories260K";
    static final String FILE = "stories260K-F32.gguf";
    /** The reference a {@code serve} names; the store keeps the model under this name. */
    static final String REF = "hf.co/" + REPO + ":F32";
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final int PIECE = 128 * 1024;

    private final byte[] content;
    private final String sha256;
    private final HttpServer server;
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger downloads = new AtomicInteger();
    private volatile CountDownLatch hold;
    /** Where a held download stops: at its first byte, or after that many bytes of the file. */
    private volatile long holdAt;

    MiniHub(Path model) {
        try {
            content = Files.readAllBytes(model);
            sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    long size() {
        return content.length;
    }

    /** Downloads started (answers with content). */
    int downloads() {
        return downloads.get();
    }

    /** Makes downloads wait before their first byte until the returned latch is counted down. */
    CountDownLatch holdDownloads() {
        return holdDownloadsAt(0);
    }

    /** Makes downloads send the file up to about {@code offset} (whole pieces), then wait for the latch. */
    CountDownLatch holdDownloadsAt(long offset) {
        CountDownLatch l = new CountDownLatch(1);
        holdAt = offset;
        hold = l;
        return l;
    }

    void releaseDownloads() {
        CountDownLatch l = hold;
        hold = null;
        if (l != null) {
            l.countDown();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (path.startsWith("/api/models/" + REPO + "/tree/")) {
                json(ex, "[{\"type\":\"file\",\"oid\":\"" + "1".repeat(40) + "\",\"size\":" + content.length
                        + ",\"path\":\"" + FILE + "\",\"lfs\":{\"oid\":\"" + sha256 + "\",\"size\":" + content.length
                        + ",\"pointerSize\":134}}]");
            } else if (path.startsWith("/" + REPO + "/resolve/") && path.endsWith("/" + FILE)) {
                download(ex);
            } else {
                ex.getResponseHeaders().add("X-Error-Code", "RepoNotFound");
                byte[] body = "{\"error\":\"Repository not found\"}".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(404, body.length);
                ex.getResponseBody().write(body);
            }
        }
    }

    private void download(HttpExchange ex) throws IOException {
        int start = 0;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && range.matches("bytes=\\d+-")) {
            start = Integer.parseInt(range.substring(6, range.length() - 1)); // a cancelled pull resumes
        }
        ex.getResponseHeaders().add("ETag", "\"" + sha256 + "\"");
        ex.getResponseHeaders().add("X-Repo-Commit", COMMIT);
        if (start >= content.length) {
            ex.getResponseHeaders().add("Content-Range", "bytes */" + content.length);
            ex.sendResponseHeaders(416, -1);
            return;
        }
        downloads.incrementAndGet();
        if (start > 0) {
            ex.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (content.length - 1) + "/"
                    + content.length);
            ex.sendResponseHeaders(206, content.length - start);
        } else {
            ex.sendResponseHeaders(200, content.length);
        }
        OutputStream out = ex.getResponseBody();
        out.flush();
        CountDownLatch h = hold;
        for (int off = start; off < content.length; off += PIECE) {
            if (h != null && off >= holdAt) {
                try {
                    if (!h.await(60, TimeUnit.SECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                h = null;
            }
            out.write(content, off, Math.min(PIECE, content.length - off));
            out.flush();
        }
    }

    private static void json(HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        releaseDownloads();
        server.stop(0);
        pool.shutdownNow();
    }
}
