package dev.jllm.models.hf;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Speaks the Hugging Face Hub protocol over the JDK's HttpClient: lists a repo's files through
 * {@code GET /api/models/{repo}/tree/{revision}?recursive=true} (following the {@code Link: rel="next"} pages) and
 * opens downloads at {@code GET /{repo}/resolve/{revision}/{path}}, following redirects itself so that the token
 * goes to the Hub only (never to the CDN host a large file is redirected to) and the Hub's own headers
 * (X-Linked-Etag, X-Linked-Size, X-Repo-Commit) are kept from the first hop.
 */
public final class HubClient {
    private static final int MAX_REDIRECTS = 10;
    /** A listing larger than this is not a Hub answer; refusing it keeps a hostile server from exhausting memory. */
    private static final int MAX_LISTING_BYTES = 64 << 20;
    private static final int MAX_LISTING_PAGES = 1000;
    private static final int LISTING_ATTEMPTS = 3;
    private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");
    private static final String USER_AGENT = "jllm/0.1 (Java " + Runtime.version().feature() + ")";

    private final HubConfig config;
    private final HttpClient http;

    public HubClient(HubConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(config.connectTimeout())
                .build();
    }

    public HubConfig config() {
        return config;
    }

    /** The download URL of a repo file. */
    public URI resolveUri(String repo, String revision, String path) {
        StringBuilder b = new StringBuilder(config.endpoint().toString()).append('/').append(repo)
                .append("/resolve/").append(encode(revision));
        for (String seg : path.split("/")) {
            b.append('/').append(encode(seg));
        }
        return URI.create(b.toString());
    }

    /**
     * All files of a repo at a revision, with sizes and checksums. Network failures are retried with backoff;
     * HTTP errors become a {@link HubException} that explains them (gated, not found, ...).
     *
     * @throws DownloadCancelledException if the thread is interrupted
     */
    public List<RepoFile> listFiles(String repo, String revision) {
        String what = "hf.co/" + repo;
        URI next = URI.create(config.endpoint() + "/api/models/" + repo + "/tree/" + encode(revision)
                + "?recursive=true");
        List<RepoFile> files = new ArrayList<>();
        for (int page = 0; next != null; page++) {
            if (page >= MAX_LISTING_PAGES) {
                throw new HubException(HubException.Reason.BAD_RESPONSE, what + ": the listing has more than "
                        + MAX_LISTING_PAGES + " pages");
            }
            Page r = withRetries(what, next, uri -> getListingPage(uri, what, repo, revision));
            files.addAll(parseTree(r.body(), what));
            next = nextPage(r.headers());
        }
        return files;
    }

    private Page getListingPage(URI uri, String what, String repo, String revision)
            throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(request(uri, -1).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw HubErrors.forStatus(r.statusCode(), r.headers(), what, repo, revision, config);
            }
            byte[] body = in.readNBytes(MAX_LISTING_BYTES + 1);
            if (body.length > MAX_LISTING_BYTES) {
                throw new HubException(HubException.Reason.BAD_RESPONSE, what + ": the file listing is larger than "
                        + (MAX_LISTING_BYTES >> 20) + " MiB");
            }
            return new Page(body, r.headers());
        }
    }

    private <T> T withRetries(String what, URI uri, Call<T> call) {
        int failures = 0;
        while (true) {
            try {
                return call.run(uri);
            } catch (IOException | HubException e) {
                if (e instanceof HubException he && !HubErrors.retryable(he)) {
                    throw he;
                }
                failures++;
                // A listing is small and comes first: an offline user should hear so in seconds, not minutes.
                if (failures >= Math.min(config.maxAttempts(), LISTING_ATTEMPTS)) {
                    if (e instanceof HubException he) {
                        throw he;
                    }
                    throw new HubException(HubException.Reason.NETWORK, what + ": cannot reach "
                            + config.displayEndpoint() + " after " + failures + " attempts: " + describe(e), e);
                }
                sleep(config.backoff(failures).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DownloadCancelledException("listing " + what + " was interrupted");
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadCancelledException("interrupted while waiting to retry");
        }
    }

    static String describe(Throwable e) {
        String m = HubConfig.redact(e.getMessage());
        String type = e.getClass().getSimpleName();
        return m == null || m.isBlank() ? type : type + ": " + m;
    }

    private List<RepoFile> parseTree(byte[] body, String what) {
        JsonArray entries;
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(body))) {
            entries = reader.readArray();
        } catch (JsonException | IllegalStateException | ClassCastException e) {
            throw new HubException(HubException.Reason.BAD_RESPONSE, what + ": the file listing is not a JSON "
                    + "array of entries (is HF_ENDPOINT a Hugging Face Hub?)", e);
        }
        List<RepoFile> files = new ArrayList<>();
        for (JsonValue v : entries) {
            if (!(v instanceof JsonObject o) || !"file".equals(o.getString("type", ""))) {
                continue; // directories: their files are listed too (recursive=true)
            }
            String path = o.getString("path", null);
            long size = longOf(o.get("size"));
            String oid = o.getString("oid", null);
            String sha256 = null;
            if (o.get("lfs") instanceof JsonObject lfs) {
                sha256 = lfs.getString("oid", null);
                if (lfs.get("size") instanceof JsonNumber) {
                    size = longOf(lfs.get("size"));
                }
            }
            if (path == null || size < 0) {
                throw new HubException(HubException.Reason.BAD_RESPONSE, what + ": a listing entry has no path or "
                        + "size: " + o);
            }
            try {
                files.add(new RepoFile(path, size, sha256, sha256 == null ? oid : null));
            } catch (IllegalArgumentException e) {
                throw new HubException(HubException.Reason.BAD_RESPONSE, what + ": " + e.getMessage());
            }
        }
        return files;
    }

    private static long longOf(JsonValue v) {
        if (v instanceof JsonNumber n && n.isIntegral()) {
            try {
                return n.longValueExact();
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return -1;
    }

    private URI nextPage(HttpHeaders headers) {
        for (String link : headers.allValues("Link")) {
            Matcher m = NEXT_LINK.matcher(link);
            if (m.find()) {
                URI uri = config.endpoint().resolve(m.group(1));
                // The listing's pages stay on the Hub; a link elsewhere would receive the token.
                if (!sameOrigin(uri, config.endpoint())) {
                    throw new HubException(HubException.Reason.BAD_RESPONSE, "the listing's next page points to "
                            + "another host: " + uri.getHost());
                }
                return uri;
            }
        }
        return null;
    }

    /**
     * Opens a repo file for reading from {@code offset} (a Range request when it is above 0), following redirects.
     * A 416 answer is returned, not thrown: it means the caller already has the whole file.
     *
     * @throws IOException          on network failure (worth a retry)
     * @throws HubException         for HTTP errors, with an explanation
     * @throws InterruptedException if interrupted while waiting for the answer
     */
    FileResponse openFile(String repo, String revision, String path, long offset)
            throws IOException, InterruptedException {
        String what = "file " + path + " of hf.co/" + repo;
        URI uri = resolveUri(repo, revision, path);
        String linkedEtag = null;
        String hubEtag = null;
        long linkedSize = -1;
        String commit = null;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpResponse<InputStream> r = http.send(request(uri, offset).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            HttpHeaders h = r.headers();
            if (linkedEtag == null) {
                linkedEtag = h.firstValue("X-Linked-Etag").orElse(null);
            }
            if (linkedSize < 0) {
                linkedSize = h.firstValue("X-Linked-Size").map(HubClient::parseLong).orElse(-1L);
            }
            if (commit == null) {
                commit = h.firstValue("X-Repo-Commit").orElse(null);
            }
            if (hop == 0) {
                hubEtag = h.firstValue("ETag").orElse(null);
            }
            int status = r.statusCode();
            if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
                r.body().close();
                String location = h.firstValue("Location").orElseThrow(() -> new HubException(
                        HubException.Reason.BAD_RESPONSE, what + ": redirect without a Location"));
                uri = uri.resolve(location);
                continue;
            }
            if (status == 200 || status == 206 || status == 416) {
                String sha256 = hexOf(linkedEtag, 64);
                if (sha256 == null) {
                    sha256 = hexOf(hubEtag, 64);
                }
                String gitSha1 = linkedEtag == null ? hexOf(hubEtag, 40) : null;
                long start = 0;
                long total = linkedSize;
                if (status == 206) {
                    Matcher m = CONTENT_RANGE.matcher(h.firstValue("Content-Range").orElse(""));
                    if (!m.matches()) {
                        r.body().close();
                        throw new IOException("partial answer without a valid Content-Range");
                    }
                    start = Long.parseLong(m.group(1));
                    if (total < 0 && !m.group(3).equals("*")) {
                        total = Long.parseLong(m.group(3));
                    }
                } else if (status == 200 && total < 0) {
                    OptionalLong len = h.firstValueAsLong("Content-Length");
                    total = len.isPresent() ? len.getAsLong() : -1;
                }
                InputStream body = r.body();
                if (status == 416) {
                    body.close();
                    body = InputStream.nullInputStream();
                }
                return new FileResponse(status, body, start, total, sha256, gitSha1, commit);
            }
            r.body().close();
            throw HubErrors.forStatus(status, h, what, repo, revision, config);
        }
        throw new HubException(HubException.Reason.BAD_RESPONSE, what + ": more than " + MAX_REDIRECTS
                + " redirects");
    }

    private HttpRequest.Builder request(URI uri, long offset) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET()
                .timeout(config.connectTimeout())
                .header("User-Agent", USER_AGENT);
        if (offset > 0) {
            b.header("Range", "bytes=" + offset + "-");
        }
        if (config.token() != null && sameOrigin(uri, config.endpoint())) {
            b.header("Authorization", "Bearer " + config.token());
        }
        return b;
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    private static int port(URI u) {
        return u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    /** An ETag value ({@code "abc"}, {@code W/"abc"}) as lower-case hex of the given length, or null. */
    static String hexOf(String etag, int length) {
        if (etag == null) {
            return null;
        }
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        e = e.replace("\"", "").toLowerCase(Locale.ROOT);
        return e.length() == length && e.chars().allMatch(c -> Character.digit(c, 16) >= 0) ? e : null;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @FunctionalInterface
    private interface Call<T> {
        T run(URI uri) throws IOException, InterruptedException;
    }

    /** One page of the listing, read whole. */
    private record Page(byte[] body, HttpHeaders headers) {
    }
}
