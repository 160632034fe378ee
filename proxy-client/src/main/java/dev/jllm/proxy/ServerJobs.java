package dev.jllm.proxy;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.CurrentModel;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.LlmInfo;
import dev.jllm.api.ModelInfo;
import dev.jllm.api.openai.EmbeddingRequest;
import dev.jllm.api.openai.EmbeddingResponse;
import dev.jllm.api.ProgressEvent;
import dev.jllm.api.ProgressListener;
import dev.jllm.api.QueuedChatCompletionStream;
import dev.jllm.api.ServiceInfo;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.CompletionRequest;
import dev.jllm.api.openai.Model;
import dev.jllm.api.openai.ModelList;
import dev.jllm.api.openai.StreamOptions;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Each {@code LlmService} operation as the job the server runs for it (the table in docs/jobs-api.md): builds
 * the parameters, runs the job and reads its result back into the api's records. {@code instance} null means
 * "the current model's instance" as the server knows it.
 */
final class ServerJobs {

    private final JobsClient client;

    ServerJobs(JobsClient client) {
        this.client = client;
    }

    // ------------------------------------------------------------------ instances

    LlmInfo create(CallScope scope, String name, LlmConfig config) {
        JsonObjectBuilder options = Json.createObjectBuilder();
        config.toMap().forEach(options::add);
        JsonObject params = Json.createObjectBuilder().add("name", name).add("type", config.type())
                .add("config", options).build();
        return Wire.read(run(scope, "instance.create", params), LlmInfo.class, "instance.create result");
    }

    boolean remove(CallScope scope, String name) {
        JsonObject r = object(run(scope, "instance.remove", Json.createObjectBuilder().add("name", name).build()),
                "instance.remove");
        return r.getBoolean("removed", false);
    }

    List<String> list(CallScope scope) {
        JsonObject r = object(run(scope, "instance.list", JsonValue.EMPTY_JSON_OBJECT), "instance.list");
        if (!(r.get("instances") instanceof jakarta.json.JsonArray a)) {
            throw Wire.malformed("instance.list result", r.toString());
        }
        return a.getValuesAs(JsonString.class).stream().map(JsonString::getString).sorted().toList();
    }

    void clear(CallScope scope) {
        run(scope, "instance.clear", JsonValue.EMPTY_JSON_OBJECT);
    }

    LlmInfo info(CallScope scope, String instance) {
        return Wire.read(run(scope, "instance.info", instanceParams(instance).build()), LlmInfo.class,
                "instance.info result");
    }

    ServiceInfo serviceInfo(CallScope scope) {
        return Wire.read(run(scope, "service.info", JsonValue.EMPTY_JSON_OBJECT), ServiceInfo.class,
                "service.info result");
    }

    // ------------------------------------------------------------------ models

    List<Model> models(CallScope scope, String instance) {
        return Wire.read(run(scope, "models.list", instanceParams(instance).build()), ModelList.class,
                "models.list result").data();
    }

    EmbeddingResponse embeddings(CallScope scope, String instance, EmbeddingRequest request) {
        return Wire.read(run(scope, "embeddings", instanceParams(instance).add("request", Wire.tree(request))
                .build()), EmbeddingResponse.class, "embeddings result");
    }

    ModelInfo serve(CallScope scope, String instance, String model, ProgressListener progress) {
        ProgressListener p = progress == null ? ProgressListener.NONE : progress;
        JsonValue result = RemoteCall.run(client, scope, "model.serve",
                instanceParams(instance).add("model", required(model)).build(),
                new RemoteCall.Sink() {
                    @Override
                    public void progress(ProgressEvent event) {
                        p.onProgress(event);
                    }
                });
        if (!(result instanceof JsonObject o)) {
            throw Wire.malformed("model.serve result", "not a JSON object: " + result);
        }
        return new ModelInfo(o.getString("id", model), Wire.string(o, "instance", "model.serve result"),
                o.getString("provider", "local"), o.isNull("owned_by") || !o.containsKey("owned_by") ? null
                        : o.getString("owned_by"), o.getJsonNumber("seconds") == null ? 0
                        : o.getJsonNumber("seconds").doubleValue());
    }

    void unload(CallScope scope, String instance, String model) {
        run(scope, "model.unload", instanceParams(instance).add("model", required(model)).build());
    }

    void delete(CallScope scope, String instance, String model) {
        run(scope, "model.delete", instanceParams(instance).add("model", required(model)).build());
    }

    // ------------------------------------------------------------------ current model

    Optional<CurrentModel> currentModel(CallScope scope) {
        return current(run(scope, "current_model.get", JsonValue.EMPTY_JSON_OBJECT), "current_model.get");
    }

    Optional<CurrentModel> setCurrentModel(CallScope scope, String modelId, String provider, String serviceName) {
        if (modelId == null || modelId.isBlank()) {
            throw LlmException.invalid("a model id is required");
        }
        if (serviceName == null || serviceName.isBlank()) {
            throw LlmException.notFound("no instance named '" + serviceName + "'");
        }
        JsonObjectBuilder b = Json.createObjectBuilder().add("model_id", modelId).add("service_name", serviceName);
        if (provider != null && !provider.isBlank()) {
            b.add("provider", provider);
        }
        return current(run(scope, "current_model.set", b.build()), "current_model.set");
    }

    Optional<CurrentModel> clearCurrentModel(CallScope scope) {
        return current(run(scope, "current_model.clear", JsonValue.EMPTY_JSON_OBJECT), "current_model.clear");
    }

    // ------------------------------------------------------------------ chat

    /**
     * A whole completion: the job streams in any case, so it is asked for the usage chunk too (a whole answer
     * always has usage) and its result is the completion the chunks add up to.
     */
    ChatCompletion chat(CallScope scope, String instance, ChatCompletionRequest request) {
        ChatCompletionRequest r = Objects.requireNonNull(request, "request").withStream(true).toBuilder()
                .streamOptions(StreamOptions.INCLUDE_USAGE).build();
        return Wire.read(run(scope, "chat.completion", chatParams(instance, r)), ChatCompletion.class,
                "chat.completion result");
    }

    /**
     * A streamed completion: the job's chunk events become the stream's chunks. Returns once the first chunk
     * came (or the job ended), so that a failure before any output is thrown here, as a local instance or an
     * HTTP provider throws it. Closing the stream early cancels the job.
     */
    ChatCompletionStream chatStream(CallScope scope, String instance, ChatCompletionRequest request) {
        ChatCompletionRequest r = Objects.requireNonNull(request, "request").withStream(true);
        return streamed(scope, "chat.completion", chatParams(instance, r));
    }

    // ------------------------------------------------------------------ raw completions

    /** A whole raw completion: as {@link #chat}, through a {@code completion} job. */
    ChatCompletion complete(CallScope scope, String instance, CompletionRequest request) {
        CompletionRequest r = Objects.requireNonNull(request, "request").withStream(true, StreamOptions.INCLUDE_USAGE);
        return Wire.read(run(scope, "completion", chatParams(instance, r)), ChatCompletion.class,
                "completion result");
    }

    /** A streamed raw completion: as {@link #chatStream}, through a {@code completion} job. */
    ChatCompletionStream completeStream(CallScope scope, String instance, CompletionRequest request) {
        CompletionRequest r = Objects.requireNonNull(request, "request");
        return streamed(scope, "completion", chatParams(instance, r.withStream(true, r.streamOptions())));
    }

    /** A generation job's chunk events as a stream; returns once the first chunk came or the job ended. */
    private ChatCompletionStream streamed(CallScope scope, String type, JsonObject params) {
        QueuedChatCompletionStream out = new QueuedChatCompletionStream();
        CompletableFuture<Void> started = new CompletableFuture<>();
        RemoteCall call = RemoteCall.start(client, scope, type, params,
                new RemoteCall.Sink() {
                    @Override
                    public boolean chunk(ChatCompletionChunk chunk) {
                        started.complete(null);
                        return out.emit(chunk);
                    }
                });
        out.onCancel(call::cancelLater);
        call.result().whenComplete((v, t) -> {
            if (t == null) {
                out.complete();
                started.complete(null);
            } else {
                out.fail(t);
                started.completeExceptionally(t);
            }
        });
        try {
            started.get();
        } catch (InterruptedException e) {
            out.close();
            Thread.currentThread().interrupt();
            throw new LlmException(Kind.CANCELLED, "interrupted: job " + call.jobId()
                    + " (" + type + ") was cancelled on the server", e);
        } catch (ExecutionException e) {
            out.close();
            throw RemoteCall.rethrown(e.getCause());
        }
        return out;
    }

    // ------------------------------------------------------------------ helpers

    /** Whether a call failed because the server could not be reached or answer in time (not a refusal). */
    static boolean serverDown(LlmException e) {
        return e.kind() == Kind.UNAVAILABLE || e.kind() == Kind.TIMEOUT;
    }

    private JsonValue run(CallScope scope, String type, JsonObject params) {
        return RemoteCall.run(client, scope, type, params, RemoteCall.Sink.NONE);
    }

    private static JsonObject chatParams(String instance, Object request) {
        return instanceParams(instance).add("request", Wire.tree(request)).build();
    }

    private static JsonObjectBuilder instanceParams(String instance) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        if (instance != null) {
            b.add("instance", instance);
        }
        return b;
    }

    private static String required(String model) {
        if (model == null || model.isBlank()) {
            throw LlmException.invalid("a model is required");
        }
        return model;
    }

    private static JsonObject object(JsonValue v, String type) {
        if (v instanceof JsonObject o) {
            return o;
        }
        throw Wire.malformed(type + " result", String.valueOf(v));
    }

    private static Optional<CurrentModel> current(JsonValue v, String type) {
        JsonValue c = object(v, type).get("current_model");
        if (c == null || c == JsonValue.NULL) {
            return Optional.empty();
        }
        return Optional.of(Wire.read(c, CurrentModel.class, type + " result"));
    }
}
