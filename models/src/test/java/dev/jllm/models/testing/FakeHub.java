package dev.jllm.models.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local server that behaves like the Hugging Face Hub for the parts jllm uses: the tree listing API (with
 * {@code lfs.oid}/{@code size}, directories, {@code Link} pagination), {@code /resolve/} downloads that redirect LFS
 * files to a second server (another origin, like the Hub's CDN) with X-Linked-Etag / X-Linked-Size, HTTP Range,
 * gated repos (401/403 with X-Error-Code), and faults a test can inject per file: a connection dropped after N
 * bytes, a stalled connection, corrupted content, held or throttled downloads. It counts what it served.
 */
public final class FakeHub implements AutoCloseable {
    public static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final Pattern TREE = Pattern.compile("/api/models/([^/]+)/([^/]+)/tree/([^/?]+)");
    private static final Pattern RESOLVE = Pattern.compile("/([^/]+)/([^/]+)/resolve/([^/]+)/(.+)");

    private final HttpServer hub;
    private final HttpServer cdn;
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> contentRequests = new ConcurrentHashMap<>();
    private final Map<String, List<String>> ranges = new ConcurrentHashMap<>();
    private final List<String> cdnAuthorization = new CopyOnWriteArrayList<>();
    private final List<String> hubAuthorization = new CopyOnWriteArrayList<>();
    private final AtomicInteger listings = new AtomicInteger();
    private volatile boolean redirectLfs = true;
    private volatile int pageSize = Integer.MAX_VALUE;
    private volatile int throttleChunk = 0;
    private volatile long throttleMillis = 0;
    private volatile CountDownLatch hold;
    private final AtomicInteger listingFailures = new AtomicInteger();
    private volatile int listingFailureStatus;

    public FakeHub() throws IOException {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        hub = HttpServer.create(any, 0);
        cdn = HttpServer.create(any, 0);
        hub.setExecutor(pool);
        cdn.setExecutor(pool);
        hub.createContext("/", this::handleHub);
        cdn.createContext("/", this::handleCdn);
        hub.start();
        cdn.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
    }

    public Repo repo(String id) {
        return repos.computeIfAbsent(id, Repo::new);
    }

    /** Whether LFS files are served through a redirect to the second server (the default) or directly. */
    public FakeHub redirectLfs(boolean on) {
        redirectLfs = on;
        return this;
    }

    /** Splits listings into pages of {@code n} entries linked with {@code Link: rel="next"}. */
    public FakeHub pageSize(int n) {
        pageSize = n;
        return this;
    }

    /** Sends file bodies in chunks of {@code chunk} bytes with a pause after each, to make downloads take time. */
    public FakeHub throttle(int chunk, long millis) {
        throttleChunk = chunk;
        throttleMillis = millis;
        return this;
    }

    /** Makes every file body wait for the latch before its first byte. */
    public FakeHub hold(CountDownLatch latch) {
        hold = latch;
        return this;
    }

    /** The next {@code times} listing requests answer {@code status} (e.g. 503). */
    public FakeHub failListings(int times, int status) {
        listingFailureStatus = status;
        listingFailures.set(times);
        return this;
    }

    /** How many responses carried content (200 or 206) of {@code path}, counting both servers. */
    public int contentRequests(String path) {
        AtomicInteger n = contentRequests.get(path);
        return n == null ? 0 : n.get();
    }

    public int totalContentRequests() {
        return contentRequests.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** The Range headers received for {@code path} ("" for none), in order. */
    public List<String> ranges(String path) {
        return ranges.getOrDefault(path, List.of());
    }

    public int listings() {
        return listings.get();
    }

    /** Authorization headers the CDN server received ("" when none). */
    public List<String> cdnAuthorization() {
        return cdnAuthorization;
    }

    /** Authorization headers the Hub server received on downloads ("" when none). */
    public List<String> hubAuthorization() {
        return hubAuthorization;
    }

    @Override
    public void close() {
        CountDownLatch h = hold;
        if (h != null) {
            while (h.getCount() > 0) {
                h.countDown();
            }
        }
        for (Repo r : repos.values()) {
            r.release.countDown();
        }
        hub.stop(0);
        cdn.stop(0);
        pool.shutdownNow();
    }

    private void handleHub(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            Matcher tree = TREE.matcher(path);
            Matcher resolve = RESOLVE.matcher(path);
            if (tree.matches()) {
                listings.incrementAndGet();
                if (listingFailures.getAndDecrement() > 0) {
                    ex.sendResponseHeaders(listingFailureStatus, -1);
                    return;
                }
                Repo repo = repos.get(tree.group(1) + "/" + tree.group(2));
                if (!authorized(ex, repo)) {
                    return;
                }
                listing(ex, repo, ex.getRequestURI().getQuery());
            } else if (resolve.matches()) {
                Repo repo = repos.get(resolve.group(1) + "/" + resolve.group(2));
                hubAuthorization.add(ex.getRequestHeaders().getFirst("Authorization") == null ? ""
                        : ex.getRequestHeaders().getFirst("Authorization"));
                if (!authorized(ex, repo)) {
                    return;
                }
                String file = URLDecoder.decode(resolve.group(4), StandardCharsets.UTF_8);
                Blob blob = repo.files.get(file);
                if (blob == null) {
                    error(ex, 404, "EntryNotFound");
                    return;
                }
                ex.getResponseHeaders().add("X-Repo-Commit", COMMIT);
                if (blob.lfs && redirectLfs) {
                    ex.getResponseHeaders().add("X-Linked-Etag", "\"" + blob.sha256 + "\"");
                    ex.getResponseHeaders().add("X-Linked-Size", Long.toString(blob.bytes.length));
                    ex.getResponseHeaders().add("ETag", "\"" + blob.sha256 + "\"");
                    String cdnPath = "/cdn-lfs/" + repo.id + "/" + blob.sha256 + "?file=" + resolve.group(4);
                    ex.getResponseHeaders().add("Location", "http://127.0.0.1:" + cdn.getAddress().getPort()
                            + cdnPath);
                    ex.sendResponseHeaders(302, -1);
                    return;
                }
                ex.getResponseHeaders().add("ETag", "\"" + (blob.lfs ? blob.sha256 : blob.gitOid) + "\"");
                serve(ex, repo, file, blob);
            } else {
                error(ex, 404, "RepoNotFound");
            }
        }
    }

    private void handleCdn(HttpExchange ex) throws IOException {
        try (ex) {
            cdnAuthorization.add(ex.getRequestHeaders().getFirst("Authorization") == null ? ""
                    : ex.getRequestHeaders().getFirst("Authorization"));
            String[] seg = ex.getRequestURI().getRawPath().split("/");
            // /cdn-lfs/OWNER/REPO/SHA
            Repo repo = seg.length == 5 ? repos.get(seg[2] + "/" + seg[3]) : null;
            String query = ex.getRequestURI().getQuery();
            String file = query != null && query.startsWith("file=") ? query.substring(5) : null;
            Blob blob = repo == null || file == null ? null : repo.files.get(file);
            if (blob == null || !blob.sha256.equals(seg[4])) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            ex.getResponseHeaders().add("ETag", "\"cdn-etag-not-a-checksum\"");
            serve(ex, repo, file, blob);
        }
    }

    private boolean authorized(HttpExchange ex, Repo repo) throws IOException {
        if (repo == null) {
            error(ex, 401, "RepoNotFound");
            return false;
        }
        if (repo.token == null) {
            return true;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null) {
            error(ex, 401, "GatedRepo");
            return false;
        }
        if (!auth.equals("Bearer " + repo.token)) {
            error(ex, 403, "GatedRepo");
            return false;
        }
        return true;
    }

    private static void error(HttpExchange ex, int status, String code) throws IOException {
        ex.getResponseHeaders().add("X-Error-Code", code);
        byte[] body = ("{\"error\":\"" + code + "\"}").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    private void listing(HttpExchange ex, Repo repo, String query) throws IOException {
        List<String> entries = new ArrayList<>();
        List<String> dirs = new ArrayList<>();
        for (Map.Entry<String, Blob> e : repo.files.entrySet()) {
            String p = e.getKey();
            Blob b = e.getValue();
            for (int i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) {
                String dir = p.substring(0, i);
                if (!dirs.contains(dir)) {
                    dirs.add(dir);
                    entries.add("{\"type\":\"directory\",\"oid\":\"" + "d".repeat(40) + "\",\"size\":0,\"path\":\""
                            + dir + "\"}");
                }
            }
            String lfs = b.lfs ? ",\"lfs\":{\"oid\":\"" + b.sha256 + "\",\"size\":" + b.listedSize
                    + ",\"pointerSize\":134}" : "";
            String oid = b.lfs ? sha1Hex(("version https://git-lfs.github.com/spec/v1\noid sha256:" + b.sha256)
                    .getBytes(StandardCharsets.UTF_8)) : b.gitOid;
            entries.add("{\"type\":\"file\",\"oid\":\"" + oid + "\",\"size\":" + b.listedSize + ",\"path\":\""
                    + p.replace("\"", "\\\"") + "\"" + lfs + "}");
        }
        int from = 0;
        if (query != null && query.contains("cursor=")) {
            from = Integer.parseInt(query.substring(query.indexOf("cursor=") + 7));
        }
        int to = (int) Math.min(entries.size(), (long) from + pageSize);
        if (to < entries.size()) {
            ex.getResponseHeaders().add("Link", "<" + endpoint() + "/api/models/" + repo.id
                    + "/tree/main?recursive=true&cursor=" + to + ">; rel=\"next\"");
        }
        byte[] body = ("[" + String.join(",", entries.subList(from, to)) + "]").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
    }

    private void serve(HttpExchange ex, Repo repo, String file, Blob blob) throws IOException {
        String range = ex.getRequestHeaders().getFirst("Range");
        ranges.computeIfAbsent(file, k -> new CopyOnWriteArrayList<>()).add(range == null ? "" : range);
        byte[] content = blob.served;
        long start = 0;
        if (range != null && !repo.ignoreRange) {
            Matcher m = Pattern.compile("bytes=(\\d+)-").matcher(range);
            if (!m.matches()) {
                ex.sendResponseHeaders(400, -1);
                return;
            }
            start = Long.parseLong(m.group(1));
            if (start >= content.length) {
                ex.getResponseHeaders().add("Content-Range", "bytes */" + content.length);
                ex.sendResponseHeaders(416, -1);
                return;
            }
        }
        contentRequests.computeIfAbsent(file, k -> new AtomicInteger()).incrementAndGet();
        int len = (int) (content.length - start);
        if (start > 0) {
            ex.getResponseHeaders().add("Content-Range", "bytes " + start + "-" + (content.length - 1) + "/"
                    + content.length);
            ex.sendResponseHeaders(206, len);
        } else {
            ex.sendResponseHeaders(200, len);
        }
        // Headers go out now, as a real server's would: a fault before the first byte is then a dropped body,
        // not a connection closed before any answer (which the JDK client silently retries once).
        ex.getResponseBody().flush();
        CountDownLatch h = hold;
        if (h != null) {
            await(h);
        }
        Fault fault = repo.faults.get(file);
        int limit = len;
        boolean drop = false;
        boolean stall = false;
        if (fault != null && fault.remaining.getAndDecrement() > 0) {
            // A fault strikes at a position in the file, so a resumed download meets it again until it is used up.
            limit = (int) Math.max(0, Math.min(len, fault.atByte - start));
            drop = fault.kind == FaultKind.DROP;
            stall = fault.kind == FaultKind.STALL;
        }
        OutputStream out = ex.getResponseBody();
        int chunk = throttleChunk > 0 ? throttleChunk : 64 << 10;
        for (int off = 0; off < limit; off += chunk) {
            out.write(content, (int) start + off, Math.min(chunk, limit - off));
            out.flush();
            if (throttleMillis > 0) {
                sleep(throttleMillis);
            }
        }
        if (stall) {
            await(repo.release); // hold the connection open without sending, until the test ends
            throw new IllegalStateException("stalled connection released");
        }
        if (drop) {
            // An exception out of the handler makes the server close the connection mid-body.
            throw new IllegalStateException("connection dropped on purpose");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static String sha256Hex(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String sha1Hex(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String gitBlobId(byte[] content) {
        byte[] header = ("blob " + content.length + "\0").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[header.length + content.length];
        System.arraycopy(header, 0, all, 0, header.length);
        System.arraycopy(content, 0, all, header.length, content.length);
        return sha1Hex(all);
    }

    private enum FaultKind { DROP, STALL }

    private record Fault(FaultKind kind, long atByte, AtomicInteger remaining) {
    }

    private static final class Blob {
        final byte[] bytes;
        final boolean lfs;
        final String sha256;
        final String gitOid;
        volatile byte[] served;
        volatile long listedSize;

        Blob(byte[] bytes, boolean lfs) {
            this.bytes = bytes;
            this.lfs = lfs;
            this.sha256 = sha256Hex(bytes);
            this.gitOid = gitBlobId(bytes);
            this.served = bytes;
            this.listedSize = bytes.length;
        }
    }

    /** A repo of the fake Hub; files ending in .gguf or .safetensors are stored "with LFS". */
    public final class Repo {
        final String id;
        final Map<String, Blob> files = Collections.synchronizedMap(new LinkedHashMap<>());
        final Map<String, Fault> faults = new ConcurrentHashMap<>();
        final CountDownLatch release = new CountDownLatch(1);
        volatile String token;
        volatile boolean ignoreRange;

        Repo(String id) {
            this.id = id;
        }

        public Repo file(String path, byte[] content) {
            boolean lfs = path.endsWith(".gguf") || path.endsWith(".safetensors");
            files.put(path, new Blob(content, lfs));
            return this;
        }

        public Repo file(String path, String content) {
            return file(path, content.getBytes(StandardCharsets.UTF_8));
        }

        /** Makes the repo gated: listing and downloads need {@code Authorization: Bearer token}. */
        public Repo gated(String requiredToken) {
            token = requiredToken;
            return this;
        }

        /** The first {@code times} downloads of {@code path} close the connection at byte {@code at} of the file. */
        public Repo dropAt(String path, long at, int times) {
            faults.put(path, new Fault(FaultKind.DROP, at, new AtomicInteger(times)));
            return this;
        }

        /** The first {@code times} downloads of {@code path} stop sending at byte {@code at} of the file, keeping
         *  the connection open. */
        public Repo stallAt(String path, long at, int times) {
            faults.put(path, new Fault(FaultKind.STALL, at, new AtomicInteger(times)));
            return this;
        }

        /** Serves different bytes than the listing's checksum describes. */
        public Repo corrupt(String path) {
            Blob b = files.get(path);
            byte[] bad = b.bytes.clone();
            bad[bad.length / 2] ^= 0x5a;
            b.served = bad;
            return this;
        }

        /** Answers Range requests with the whole file (200), as some servers do. */
        public Repo ignoreRange() {
            ignoreRange = true;
            return this;
        }

        public byte[] content(String path) {
            return files.get(path).bytes;
        }
    }
}
