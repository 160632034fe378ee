package dev.jllm.proxy;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.providers.http.HttpErrors;
import dev.jllm.providers.http.HttpTransport;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The server's jobs API over HTTP (docs/jobs-api.md): submit, cancel, and open the event streams. Every request
 * has the configured time limits; failures are {@link LlmException}s, with "cannot reach the server" made plain.
 * Thread-safe.
 */
final class JobsClient implements AutoCloseable {

    /** How long closing waits for cancellations still on their way to the server. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final ProxySettings settings;
    private final HttpTransport http;
    private final Set<CompletableFuture<Boolean>> pendingCancels = ConcurrentHashMap.newKeySet();

    JobsClient(ProxySettings settings) {
        this.settings = settings;
        // No answer from the server is a transport failure; an error it answers is the job's (or request's).
        this.http = new HttpTransport(settings.apiKey(), settings.timeouts(), LlmException.Origin.TRANSPORT,
                LlmException.Origin.JOB);
    }

    ProxySettings settings() {
        return settings;
    }

    /**
     * {@code POST /v1/jobs}: queues a job.
     *
     * @return the job's id
     * @throws LlmException INVALID_REQUEST for parameters the server refuses, RATE_LIMITED when too many jobs
     *                      wait, UNAVAILABLE when the server cannot be reached or has no jobs API
     */
    String submit(String type, JsonObject params) {
        return Wire.string(submitJob(type, params), "id", "job");
    }

    /** {@code GET /v1/jobs/{id}}: the job object; NOT_FOUND (status 404) for a job the server does not know. */
    JsonObject job(String id) {
        HttpRequest request = http.request(settings.resolve("/v1/jobs/" + id), settings.timeouts().request(),
                "application/json").GET().build();
        return Wire.object(http.readBody(send(request), settings.timeouts().idle()), "job");
    }

    /** {@code GET /v1/jobs}: the job objects the server still knows, oldest first. */
    JsonObject jobs() {
        HttpRequest request = http.request(settings.resolve("/v1/jobs"), settings.timeouts().request(),
                "application/json").GET().build();
        return Wire.object(http.readBody(send(request), settings.timeouts().idle()), "job list");
    }

    /** {@code DELETE /v1/jobs/{id}} answering the job as it is then; failures are thrown. */
    JsonObject cancelAndGet(String id) {
        Duration limit = settings.timeouts().request().plusSeconds(5);
        HttpRequest request = http.request(settings.resolve("/v1/jobs/" + id), limit, "application/json")
                .DELETE().build();
        return Wire.object(http.readBody(send(request), settings.timeouts().idle()), "job");
    }

    /** {@code POST /v1/jobs} answering the whole job object (see {@link #submit}). */
    JsonObject submitJob(String type, JsonObject params) {
        String body = Json.createObjectBuilder().add("type", type).add("params", params).build().toString();
        URI uri = settings.resolve("/v1/jobs");
        HttpRequest request = http.request(uri, settings.timeouts().request(), "application/json")
                .header("Content-Type", "application/json")
                .POST(HttpTransport.json(body))
                .build();
        HttpResponse<InputStream> response;
        try {
            response = send(request);
        } catch (LlmException e) {
            if (e.seenStatus().orElse(0) == 404) {
                // Submitting never answers 404 on a jllm server: this one has no jobs API.
                throw new LlmException(Kind.UNAVAILABLE, settings.server() + " has no jobs API (POST /v1/jobs"
                        + " answered 404): is it a jllm server?", null, e, LlmException.Origin.TRANSPORT, null);
            }
            throw e;
        }
        return Wire.object(http.readBody(response, settings.timeouts().idle()), "job");
    }

    /**
     * {@code DELETE /v1/jobs/{id}}: asks the server to stop a job (the answer waits a moment for it to stop).
     * Never throws: a job on a server that cannot be reached is beyond help, and a finished or forgotten one
     * needs none.
     *
     * @return whether the server answered
     */
    boolean cancel(String id) {
        // The server waits up to 5 s for a running job to stop before it answers.
        Duration limit = settings.timeouts().request().plusSeconds(5);
        HttpRequest request = http.request(settings.resolve("/v1/jobs/" + id), limit, "application/json")
                .DELETE().build();
        try {
            http.readBody(send(request), settings.timeouts().idle());
            return true;
        } catch (LlmException e) {
            return e.seenStatus().isPresent();
        }
    }

    /** {@link #cancel} on a thread of its own, so that the caller (closing a stream) does not wait. */
    void cancelAsync(String id) {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        pendingCancels.add(f);
        Thread.ofVirtual().name("jllm-proxy-cancel-" + id).start(() -> {
            try {
                f.complete(cancel(id));
            } finally {
                pendingCancels.remove(f);
            }
        });
    }

    /** {@code GET /v1/jobs/{id}/events}, resuming after event {@code after} (0: from the start). */
    EventConnection jobEvents(String id, long after) {
        HttpRequest.Builder b = http.request(settings.resolve("/v1/jobs/" + id + "/events"),
                settings.timeouts().request(), "text/event-stream").GET();
        if (after > 0) {
            b.header("Last-Event-ID", Long.toString(after));
        }
        return new EventConnection(send(b.build()).body(), settings.timeouts().idle());
    }

    /** {@code GET /v1/events}: current-model changes, starting with the state now. */
    EventConnection serviceEvents() {
        HttpRequest request = http.request(settings.resolve("/v1/events"), settings.timeouts().request(),
                "text/event-stream").GET().build();
        return new EventConnection(send(request).body(), settings.timeouts().idle());
    }

    private HttpResponse<InputStream> send(HttpRequest request) {
        try {
            return http.send(request);
        } catch (LlmException e) {
            if (e.seenStatus().isEmpty() && (e.kind() == Kind.UNAVAILABLE || e.kind() == Kind.TIMEOUT
                    || e.kind() == Kind.UPSTREAM)) {
                // No answer at all: say which server, since the caller may not know a server is involved. A
                // server that took the connection but did not answer in time stays a TIMEOUT; one that could not
                // be connected to (refused, or no connection within the limit) or that dropped the connection is
                // UNAVAILABLE.
                boolean answeredLate = e.kind() == Kind.TIMEOUT
                        && !(e.getCause() instanceof HttpConnectTimeoutException);
                throw new LlmException(answeredLate ? Kind.TIMEOUT : Kind.UNAVAILABLE,
                        "the jllm server at " + settings.server() + " cannot be reached: " + e.getMessage(), null,
                        e, LlmException.Origin.TRANSPORT, null);
            }
            throw e;
        }
    }

    static String human(Duration d) {
        return HttpErrors.human(d);
    }

    /** Lets cancellations on their way reach the server (for a few seconds at most), then aborts the rest. */
    @Override
    public void close() {
        List<CompletableFuture<Boolean>> pending = List.copyOf(pendingCancels);
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // cancel() never throws; a server too slow to answer is left to its own job bounds
        }
        http.close();
    }
}
