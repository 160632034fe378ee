package dev.jllm.providers.http;

import dev.jllm.api.HttpTimeouts;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Sends requests to one server with the JDK HTTP client: bearer auth, JSON bodies, the configured timeouts, and
 * every failure mapped to an {@link LlmException}. HTTP/1.1 is used so that abandoning a response closes its
 * connection, which is how the server learns that a generation was cancelled.
 */
public final class HttpTransport implements AutoCloseable {

    /** Largest whole (non-streamed) body read into memory. */
    public static final int MAX_BODY = 64 * 1024 * 1024;
    /** Largest error body read: only its message matters. */
    private static final int MAX_ERROR_BODY = 64 * 1024;

    private final HttpClient client;
    private final String apiKey;
    private final HttpTimeouts timeouts;
    private final LlmException.Origin noAnswer;
    private final LlmException.Origin answered;

    /** A transport to an instance's upstream server: every failure is {@link LlmException.Origin#UPSTREAM}. */
    public HttpTransport(String apiKey, HttpTimeouts timeouts) {
        this(apiKey, timeouts, LlmException.Origin.UPSTREAM, LlmException.Origin.UPSTREAM);
    }

    /**
     * @param noAnswer the origin of failures where the server gave no answer (unreachable, timed out, cut)
     * @param answered the origin of error answers the server gave (non-2xx statuses)
     */
    public HttpTransport(String apiKey, HttpTimeouts timeouts, LlmException.Origin noAnswer,
                         LlmException.Origin answered) {
        this.apiKey = apiKey;
        this.timeouts = timeouts;
        this.noAnswer = noAnswer;
        this.answered = answered;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeouts.connect())
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public HttpTimeouts timeouts() {
        return timeouts;
    }

    /** A request with auth and the usual headers; the caller sets the method and body. */
    public HttpRequest.Builder request(URI uri, Duration headersTimeout, String accept) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(headersTimeout)
                .header("Accept", accept)
                .header("User-Agent", "jllm");
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return b;
    }

    public static HttpRequest.BodyPublisher json(String body) {
        return HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8);
    }

    /**
     * Sends and waits for the response headers. A 2xx answer is returned with its body unread (the caller must
     * close it); any other answer is read and thrown as the matching LlmException.
     */
    public HttpResponse<InputStream> send(HttpRequest request) {
        CompletableFuture<HttpResponse<InputStream>> f =
                client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> response;
        try {
            response = f.get();
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new LlmException(Kind.CANCELLED, "interrupted while waiting for " + describe(request), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw HttpErrors.fromIo(io, request.method(), request.uri(), timeouts.connect(),
                        request.timeout().orElse(timeouts.request())).withOrigin(noAnswer);
            }
            if (cause instanceof IllegalArgumentException) {
                throw LlmException.invalid("cannot send " + describe(request) + ": " + cause.getMessage());
            }
            throw new LlmException(Kind.UPSTREAM, describe(request) + " failed: " + HttpErrors.describe(cause),
                    cause).withOrigin(noAnswer);
        } catch (CancellationException e) {
            throw new LlmException(Kind.CANCELLED, describe(request) + " was cancelled", e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            String body;
            try (InputStream in = response.body()) {
                body = readCapped(in, MAX_ERROR_BODY);
            } catch (IOException e) {
                body = "";
            }
            throw HttpErrors.fromResponse(status, body).withOrigin(answered);
        }
        return response;
    }

    /**
     * Reads a whole 2xx body as UTF-8, failing with TIMEOUT if it stays silent longer than the idle timeout, and
     * closing it in every case.
     */
    public String readBody(HttpResponse<InputStream> response, Duration idle) {
        InputStream raw = response.body();
        try (IdleWatchdog.Watch watch = IdleWatchdog.watch(idle, () -> closeQuietly(raw));
             InputStream in = new WatchedInputStream(raw, watch)) {
            try {
                return readCapped(in, MAX_BODY, true);
            } catch (IOException e) {
                if (watch.fired()) {
                    throw new LlmException(Kind.TIMEOUT, "the answer from " + response.uri()
                            + " stalled for more than " + HttpErrors.human(idle), e).withOrigin(noAnswer);
                }
                throw new LlmException(Kind.UPSTREAM, "reading the answer from " + response.uri() + " failed: "
                        + HttpErrors.describe(e), e).withOrigin(noAnswer);
            }
        } catch (IOException e) {
            // Only close() lands here, after the body was read.
            throw new LlmException(Kind.UPSTREAM, "closing the answer from " + response.uri() + " failed", e);
        }
    }

    private static String readCapped(InputStream in, int max) throws IOException {
        return readCapped(in, max, false);
    }

    private static String readCapped(InputStream in, int max, boolean failIfLonger) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (out.size() + n > max) {
                if (failIfLonger) {
                    throw new LlmException(Kind.UPSTREAM, "the answer is larger than " + max + " bytes");
                }
                out.write(buf, 0, max - out.size());
                break;
            }
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException | RuntimeException ignored) {
            // Closing is how we abort; a failure to close an aborted body changes nothing.
        }
    }

    private static String describe(HttpRequest r) {
        return r.method() + " " + r.uri();
    }

    /** Aborts every exchange still running and frees the client's threads. */
    @Override
    public void close() {
        client.shutdownNow();
    }
}
