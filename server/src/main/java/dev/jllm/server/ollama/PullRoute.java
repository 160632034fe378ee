package dev.jllm.server.ollama;

import dev.jllm.models.hf.CancelToken;
import dev.jllm.models.hf.HubException;
import dev.jllm.models.hf.ModelReference;
import dev.jllm.models.store.PullProgress;
import dev.jllm.models.store.PullStage;
import dev.jllm.models.store.StoredModel;
import dev.jllm.server.config.OnDemandConfig;
import dev.jllm.server.openai.ClientGoneException;
import dev.jllm.server.openai.JsonFields;
import dev.jllm.server.routing.ServerContext;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /api/pull}: pulls a Hugging Face reference ({@code hf.co/OWNER/REPO:QUANT}, or without the host)
 * into the store, streaming Ollama's progress lines: {@code pulling manifest}, then per file {@code pulling
 * <digest>} with {@code digest}, {@code total} and {@code completed}, {@code verifying sha256 digest},
 * {@code writing manifest}, {@code success}. The pull runs on its own thread and reports through a queue, so a
 * slow client never slows the download; a client that leaves cancels it (a later pull resumes).
 */
final class PullRoute implements OllamaHandler.Body {

    private static final JsonObject END = JsonObject.EMPTY_JSON_OBJECT;

    private final ServerContext ctx;

    PullRoute(ServerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        JsonFields body = OllamaRequests.body(req, ctx,
                Set.of("model", "name", "stream", "insecure", "username", "password"), "/api/pull");
        String model = OllamaRequests.model(body);
        Boolean streamField = body.bool("stream");
        boolean stream = streamField == null || streamField;
        if (ctx.config().onDemand().pull() == OnDemandConfig.Pull.NEVER) {
            throw new OllamaException(403, "pulling models is disabled on this server (--pull never)");
        }
        String ref = hubReference(model);
        BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>(4096);
        CancelToken cancel = new CancelToken();
        Progress progress = new Progress(events);
        CompletableFuture<StoredModel> done = new CompletableFuture<>();
        Thread.ofVirtual().name("jllm-api-pull").start(() -> {
            try {
                events.offer(status("pulling manifest"));
                done.complete(ctx.router().onDemand().names().store().pull(ref, progress::on, cancel));
            } catch (Throwable t) {
                done.completeExceptionally(t);
            } finally {
                events.offer(END);
            }
        });
        if (!stream) {
            StoredModel m = await(done, cancel);
            InfoRoutes.send(res, status("success"));
            return;
        }
        NdjsonWriter out = NdjsonWriter.start(res);
        try {
            while (true) {
                JsonObject e = events.poll(1, TimeUnit.SECONDS);
                if (e == END) {
                    break;
                }
                if (e != null) {
                    out.line(e);
                }
            }
            try {
                await(done, cancel);
                out.line(status("verifying sha256 digest"));
                out.line(status("writing manifest"));
                out.line(status("success"));
            } catch (OllamaException ex) {
                out.line(Json.createObjectBuilder().add("error", ex.getMessage()).build());
            }
        } catch (ClientGoneException e) {
            cancel.cancel();
        } catch (InterruptedException e) {
            cancel.cancel();
            Thread.currentThread().interrupt();
        } finally {
            out.close();
        }
    }

    /** The store's spelling of a pullable reference; anything else is Ollama's 400 for a bad name. */
    private static String hubReference(String model) {
        String lower = model.toLowerCase(Locale.ROOT);
        String spelled = lower.startsWith("hf.co/") || lower.startsWith("huggingface.co/") || lower.startsWith("http")
                ? model : "hf.co/" + model;
        try {
            if (ModelReference.parse(spelled) instanceof ModelReference.Hub h) {
                return h.toString();
            }
        } catch (IllegalArgumentException e) {
            throw OllamaException.badRequest("invalid model name '" + model + "': " + e.getMessage());
        }
        throw OllamaException.badRequest("invalid model name '" + model + "': pull takes hf.co/OWNER/REPO[:QUANT]");
    }

    private static StoredModel await(CompletableFuture<StoredModel> done, CancelToken cancel) {
        try {
            return done.get();
        } catch (InterruptedException e) {
            cancel.cancel();
            Thread.currentThread().interrupt();
            throw new OllamaException(500, "interrupted");
        } catch (ExecutionException e) {
            Throwable t = e.getCause();
            if (t instanceof HubException h) {
                int status = switch (h.reason()) {
                    case NOT_FOUND, NO_MATCH -> 404;
                    case ACCESS_DENIED -> 403;
                    case DISK_SPACE -> 507;
                    default -> 502;
                };
                throw new OllamaException(status, "pull model manifest: " + h.getMessage());
            }
            if (t instanceof java.util.concurrent.CancellationException) {
                throw new OllamaException(499, "the pull was cancelled; pulling again resumes it");
            }
            if (t instanceof RuntimeException r && (r instanceof IllegalArgumentException
                    || r instanceof dev.jllm.models.store.ModelStoreException)) {
                throw OllamaException.badRequest(r.getMessage());
            }
            throw new OllamaException(500, "pull failed: " + t.getMessage());
        }
    }

    static JsonObject status(String s) {
        return Json.createObjectBuilder().add("status", s).build();
    }

    /** Turns the store's progress into Ollama's lines; called on the download thread, so it only enqueues. */
    private static final class Progress {
        private final BlockingQueue<JsonObject> events;
        private String lastFile;
        private PullStage lastStage;

        Progress(BlockingQueue<JsonObject> events) {
            this.events = events;
        }

        synchronized void on(PullProgress p) {
            if (p.stage() == PullStage.DOWNLOADING && p.file() != null) {
                // The store reports bytes of the whole model; Ollama's clients draw one bar per digest.
                String digest = "sha256:" + Catalog.sha256(p.model() + "/" + p.file());
                JsonObject line = Json.createObjectBuilder()
                        .add("status", "pulling " + digest.substring(7, 19))
                        .add("digest", digest)
                        .add("total", Math.max(p.bytesTotal(), p.bytesDone()))
                        .add("completed", p.bytesDone()).build();
                if (!p.file().equals(lastFile) || events.remainingCapacity() > 16) {
                    events.offer(line); // a full queue drops intermediate counts, never the end
                }
                lastFile = p.file();
            } else if (p.stage() != lastStage && p.stage() == PullStage.RESOLVING) {
                events.offer(status("pulling manifest"));
            }
            lastStage = p.stage();
        }
    }
}
