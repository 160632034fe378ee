package dev.jllm.server.http;

import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ApiException;
import dev.jllm.server.openai.ClientGoneException;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads request bodies within the size limit and parses them as JSON objects, refusing with OpenAI errors. */
public final class RequestBodies {

    private RequestBodies() { }

    /** The whole body, at most {@code limit} bytes; a larger one is a 413 whether or not it declared a length. */
    public static byte[] read(ServerRequest req, long limit) {
        req.headers().first(HeaderNames.CONTENT_LENGTH).ifPresent(v -> {
            try {
                long declared = Long.parseLong(v.strip());
                if (declared > limit) {
                    throw tooLarge(limit);
                }
            } catch (NumberFormatException e) {
                throw ApiException.invalid("invalid Content-Length: " + v, null);
            }
        });
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16384];
        ReadDeadlines deadlines = req.context().get(ReadDeadlines.class).orElse(null);
        try (InputStream in = req.content().inputStream()) {
            int n;
            while ((n = timedRead(in, buf, deadlines)) >= 0) {
                if (out.size() + (long) n > limit) {
                    throw tooLarge(limit);
                }
                out.write(buf, 0, n);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ClientGoneException(e);
        } catch (ApiException | ClientGoneException e) {
            throw e;
        } catch (RuntimeException e) {
            // Helidon reports a connection that ended inside the body as "insufficient data", and a broken
            // chunked encoding (a size that is not hex, a chunk longer than announced) as parse failures.
            if (e.getClass().getSimpleName().equals("InsufficientDataAvailableException")) {
                throw new ClientGoneException(e);
            }
            throw ApiException.invalid("the request body is malformed: " + (e.getMessage() == null
                    ? "invalid chunked encoding" : "invalid chunked encoding (" + e.getMessage() + ")"), null);
        }
        return out.toByteArray();
    }

    /**
     * The body as a JSON object; anything else is a 400 that says what is wrong with it. A body declared as
     * something other than JSON is a 415 before it is read: browsers send form posts and {@code text/plain}
     * without asking the server first (no CORS preflight), so accepting them would let any web page start work
     * here. A body without a Content-Type is read as JSON (curl and many clients send none).
     */
    public static JsonObject jsonObject(ServerRequest req, long limit) {
        req.headers().first(HeaderNames.CONTENT_TYPE).ifPresent(RequestBodies::requireJson);
        byte[] body = read(req, limit);
        if (body.length < LARGE) {
            return parseObject(body);
        }
        // Parsing megabytes takes a core for a second or more: one large body at a time, so a few of them never
        // take every core from the small requests beside them.
        try {
            LARGE_BODIES.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientGoneException(e);
        }
        try {
            return parseObject(body);
        } finally {
            LARGE_BODIES.release();
        }
    }

    private static final int LARGE = 1 << 20;
    private static final java.util.concurrent.Semaphore LARGE_BODIES = new java.util.concurrent.Semaphore(1, true);

    /**
     * One read of the body that must bring bytes within the server's read timeout: a client that stops sending
     * in the middle of its body has its connection closed (see {@link ReadDeadlines}).
     */
    private static int timedRead(InputStream in, byte[] buf, ReadDeadlines deadlines) throws IOException {
        if (deadlines == null) {
            return in.read(buf);
        }
        ReadDeadlines.Deadline d = deadlines.arm();
        try {
            return in.read(buf);
        } catch (IOException | RuntimeException e) {
            if (d.expired()) {
                throw new ClientGoneException(new IOException("no body bytes for " + deadlines.timeout()
                        .toSeconds() + " s: the connection is closed", e));
            }
            throw e;
        } finally {
            d.done();
        }
    }

    static void requireJson(String contentType) {
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        if (mediaType.equals("application/json") || mediaType.startsWith("application/") && mediaType.endsWith("+json")) {
            return;
        }
        throw new ApiException(new ApiError(415, ApiError.INVALID_REQUEST, "the request body must be JSON"
                + " (Content-Type: application/json), not '" + contentType + "'", null, "unsupported_media_type",
                null));
    }

    public static JsonObject parseObject(byte[] body) {
        if (body.length == 0) {
            throw ApiException.invalid("the request has no body: a JSON object is expected", null);
        }
        JsonValue v;
        try (JsonParser p = Json.createParser(new ByteArrayInputStream(body))) {
            if (!p.hasNext()) {
                throw ApiException.invalid("the request has no body: a JSON object is expected", null);
            }
            p.next();
            v = p.getValue();
            if (p.hasNext()) {
                throw ApiException.invalid("We could not parse the JSON body of your request: more content"
                        + " follows the JSON value", null);
            }
        } catch (ApiException | ClientGoneException e) {
            throw e;
        } catch (RuntimeException e) {
            // The parser reports malformed input, bad encodings and excessive nesting with several exception
            // types (Parsson's nesting limit is a bare RuntimeException): all of them are the client's error.
            throw ApiException.invalid("We could not parse the JSON body of your request: " + e.getMessage(), null);
        }
        if (!(v instanceof JsonObject o)) {
            throw ApiException.invalid("the request body must be a JSON object, found " + v.getValueType()
                    .toString().toLowerCase(java.util.Locale.ROOT), null);
        }
        return o;
    }

    static ApiException tooLarge(long limit) {
        return new ApiException(new ApiError(413, ApiError.INVALID_REQUEST,
                "the request body is larger than the limit of " + limit + " bytes", null, "request_too_large",
                null));
    }
}
