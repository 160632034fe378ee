package dev.jllm.proxy;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.ProgressEvent;
import dev.jllm.api.openai.ChatCompletionChunk;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One job submitted to the server and followed to its end: a virtual thread reads its events (resuming after
 * dropped connections), hands progress and chunks to a {@link Sink}, and completes {@link #result()} with the
 * job's result or its failure as an {@link LlmException}. Interrupting a thread waiting in {@link #await()}, or
 * {@link #cancelLater()}, cancels the job on the server.
 */
final class RemoteCall {

    /** What a call does with the events before its result. Runs on the call's reading thread. */
    interface Sink {
        Sink NONE = new Sink() { };

        default void progress(ProgressEvent event) {
        }

        /** @return false to stop reading (the call is being cancelled) */
        default boolean chunk(ChatCompletionChunk chunk) {
            return true;
        }
    }

    private final JobsClient client;
    private final CallScope scope;
    private final String type;
    private final String jobId;
    private final JobEventFollower follower;
    private final Sink sink;
    private final CompletableFuture<JsonValue> result = new CompletableFuture<>();
    private final AtomicBoolean cancelRequested = new AtomicBoolean();

    private RemoteCall(JobsClient client, CallScope scope, String type, String jobId, Sink sink) {
        this.client = client;
        this.scope = scope;
        this.type = type;
        this.jobId = jobId;
        this.follower = new JobEventFollower(client, jobId);
        this.sink = sink;
    }

    /** Submits the job and starts following it. */
    static RemoteCall start(JobsClient client, CallScope scope, String type, JsonObject params, Sink sink) {
        scope.ensureOpen();
        String id = submit(client, type, params);
        RemoteCall call = new RemoteCall(client, scope, type, id, sink);
        scope.add(call);
        Thread.ofVirtual().name("jllm-proxy-" + type + "-" + id).start(call::follow);
        return call;
    }

    /**
     * Submits on a thread of its own, so that a caller interrupted meanwhile can leave at once while the job, once
     * the server has answered with its id, is still cancelled rather than left running unseen.
     */
    private static String submit(JobsClient client, String type, JsonObject params) {
        CompletableFuture<String> submitted = new CompletableFuture<>();
        Thread.ofVirtual().name("jllm-proxy-submit-" + type).start(() -> {
            try {
                submitted.complete(client.submit(type, params));
            } catch (Throwable t) {
                submitted.completeExceptionally(t);
            }
        });
        try {
            return submitted.get();
        } catch (InterruptedException e) {
            submitted.thenAccept(client::cancelAsync);
            Thread.currentThread().interrupt();
            throw new LlmException(Kind.CANCELLED, "interrupted while submitting a " + type + " job", e);
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        }
    }

    /** Submits the job and waits for its result. */
    static JsonValue run(JobsClient client, CallScope scope, String type, JsonObject params, Sink sink) {
        return start(client, scope, type, params, sink).await();
    }

    String jobId() {
        return jobId;
    }

    /** Completes with the job's result, or with the LlmException it failed with. */
    CompletableFuture<JsonValue> result() {
        return result;
    }

    /**
     * Waits for the job's result.
     *
     * @throws LlmException what the job failed with; CANCELLED if this thread is interrupted (the job is then
     *                      cancelled on the server before this returns, and the interrupt flag is set again)
     */
    JsonValue await() {
        try {
            return result.get();
        } catch (InterruptedException e) {
            cancelNow();
            Thread.currentThread().interrupt();
            throw new LlmException(Kind.CANCELLED, "interrupted: job " + jobId + " (" + type
                    + ") was cancelled on the server", e);
        } catch (ExecutionException e) {
            throw rethrown(e.getCause());
        }
    }

    /** Stops following and cancels the job on the server, waiting (boundedly) for the server's answer. */
    void cancelNow() {
        if (cancelRequested.compareAndSet(false, true)) {
            follower.close();
            boolean interrupted = Thread.interrupted(); // the request below must not fail at once for it
            try {
                client.cancel(jobId);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Stops following and cancels the job on the server without waiting. */
    void cancelLater() {
        if (cancelRequested.compareAndSet(false, true)) {
            follower.close();
            client.cancelAsync(jobId);
        }
    }

    private void follow() {
        try {
            while (true) {
                JobEvent e = follower.next();
                switch (e.type()) {
                    case JobEvent.PROGRESS -> sink.progress(Wire.read(e.data(), ProgressEvent.class,
                            "progress event"));
                    case JobEvent.CHUNK -> {
                        if (!sink.chunk(Wire.read(e.data(), ChatCompletionChunk.class, "chunk event"))) {
                            cancelLater();
                            result.completeExceptionally(new LlmException(Kind.CANCELLED, "the stream of job "
                                    + jobId + " was closed"));
                            return;
                        }
                    }
                    case JobEvent.RESULT -> result.complete(Wire.value(e.data(), "job result"));
                    case JobEvent.ERROR -> result.completeExceptionally(JobFailures.fromErrorEvent(e.data(), jobId));
                    case JobEvent.CANCELLED -> result.completeExceptionally(JobFailures.cancelledOnServer(jobId));
                    default -> {
                        // Event types newer than this client carry nothing it needs.
                    }
                }
                if (e.isFinal()) {
                    return;
                }
            }
        } catch (Throwable t) {
            if (!cancelRequested.get() && !(t instanceof LlmException le && le.kind() == Kind.UNAVAILABLE)) {
                // A failing listener or a malformed event: the job's output has nowhere to go any more.
                cancelLater();
            }
            result.completeExceptionally(t);
            if (t instanceof Error err && !(t instanceof StackOverflowError)) {
                throw err;
            }
        } finally {
            scope.remove(this);
        }
    }

    /** A fresh exception per throw, so the caller's stack shows where it waited; the original is the cause. */
    static LlmException rethrown(Throwable t) {
        if (t instanceof LlmException e) {
            return e.reraised(); // every detail kept: status seen, origin, param, context-overflow counts
        }
        return LlmException.wrap(t);
    }
}
