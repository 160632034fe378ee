package dev.jllm.server.ollama;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.CompletionRequest;
import dev.jllm.api.openai.ChunkChoice;
import dev.jllm.api.openai.StreamOptions;
import dev.jllm.api.openai.ToolCall;
import dev.jllm.api.openai.Usage;
import dev.jllm.server.admission.GenerationSlots;
import dev.jllm.server.metrics.GenerationTimer;
import dev.jllm.server.openai.ClientGoneException;
import dev.jllm.server.openai.Errors;
import dev.jllm.server.openai.JsonFields;
import dev.jllm.server.routing.ModelRouter;
import dev.jllm.server.routing.Readiness503;
import dev.jllm.server.routing.ServerContext;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs one generation for {@code /api/chat} or {@code /api/generate} through the same path as the OpenAI routes
 * (a slot of the instance, {@code chatCompletionStream}), and answers it Ollama's way: NDJSON lines of content
 * with {@code "done": false}, then a last line with {@code "done": true}, {@code done_reason}, the token counts
 * and the durations in nanoseconds; or, with {@code "stream": false}, that last object holding the whole text.
 * A failure before any output keeps its status; after it, it is sent as an {@code {"error": ...}} line.
 */
final class OllamaGeneration {

    private static final System.Logger LOG = System.getLogger(OllamaGeneration.class.getName());

    /** How a route writes its objects: chat puts text in {@code message}, generate in {@code response}. */
    interface Shape {
        void text(JsonObjectBuilder b, String text, JsonArrayBuilder toolCalls);
    }

    static final Shape CHAT = (b, text, calls) -> {
        JsonObjectBuilder m = Json.createObjectBuilder().add("role", "assistant").add("content", text);
        if (calls != null) {
            m.add("tool_calls", calls);
        }
        b.add("message", m);
    };

    static final Shape GENERATE = (b, text, calls) -> b.add("response", text);

    private OllamaGeneration() { }

    /** The start of a request, for its durations. */
    record Clock(long startNanos, long loadNanos) { }

    /** What {@code /api/chat} or {@code /api/generate} does with a request whose members were checked. */
    @FunctionalInterface
    interface Generate {
        void run(ServerContext ctx, ServerResponse res, JsonFields body, OllamaRequests.Common c, long startNanos);
    }

    /**
     * A generation route: once the server is ready, the body (no member outside {@code fields}) and its common
     * members go to {@code generate}, with the time the request came in for its durations.
     */
    record Route(ServerContext ctx, Set<String> fields, String path, Generate generate) implements OllamaHandler.Body {
        @Override
        public void handle(ServerRequest req, ServerResponse res) {
            long t0 = System.nanoTime();
            Readiness503.check(ctx.readiness());
            JsonFields body = OllamaRequests.body(req, ctx, fields, path);
            generate.run(ctx, res, body, OllamaRequests.common(body), t0);
        }
    }

    /**
     * Routes {@code c.model()} (loading it on demand), {@linkplain #run runs} the generation there, and releases the
     * model after it, kept loaded for {@code c.keepAlive()}.
     *
     * @param startNanos when the request came in, for its durations
     */
    static void routeAndRun(ServerContext ctx, ServerResponse res, OllamaRequests.Common c,
                            ChatCompletionRequest request, String rawPrompt, long startNanos, Shape shape) {
        ModelRouter.Routed routed = OllamaModels.route(ctx, c.model(), c.numCtx());
        try {
            long load = routed.loaded() == null ? 0 : routed.loaded().loadNanos();
            run(ctx, res, routed, c.model(), request, rawPrompt, c.stream(), new Clock(startNanos, load), shape);
        } finally {
            OllamaModels.release(ctx, routed, c.keepAlive());
        }
    }

    /**
     * @param request   the chat request, or for a raw prompt its sampling fields
     * @param rawPrompt a prompt continued as it is ({@code Llm.complete}: generate's raw mode or its own
     *                  template), or null to render {@code request}'s messages with the model's template
     */
    static void run(ServerContext ctx, ServerResponse res, ModelRouter.Routed routed, String shownModel,
                    ChatCompletionRequest request, String rawPrompt, boolean stream, Clock clock, Shape shape) {
        ModelRouter.Target target = routed.target();
        ChatCompletionRequest r = request.withModel(target.modelId()).toBuilder().stream(true)
                .streamOptions(StreamOptions.INCLUDE_USAGE).build();
        GenerationTimer timer = new GenerationTimer(ctx.metrics(), target.instance());
        try (GenerationSlots.Slot _ = ctx.slots().acquire(target.instance());
             ChatCompletionStream s = rawPrompt != null
                     ? ctx.service().completeStream(target.instance(), CompletionRequest.of(rawPrompt, r))
                     : ctx.service().chatCompletionStream(target.instance(), r)) {
            Iterator<ChatCompletionChunk> it = s.iterator();
            long evalStart = System.nanoTime();
            it.hasNext(); // waits for the first chunk, or throws what failed before it (with its status)
            Tally tally = new Tally(evalStart);
            if (!stream) {
                while (it.hasNext()) {
                    tally.add(it.next(), timer);
                }
                JsonObjectBuilder b = head(shownModel);
                shape.text(b, tally.text.toString(), tally.toolCalls());
                tally.finish(b, clock);
                timer.finished(tally.usage);
                res.status(Status.OK_200);
                res.header(HeaderNames.CONTENT_TYPE, "application/json; charset=utf-8");
                res.send(b.build().toString().getBytes(StandardCharsets.UTF_8));
                return;
            }
            NdjsonWriter out = NdjsonWriter.start(res);
            try {
                while (it.hasNext()) {
                    String piece = tally.add(it.next(), timer);
                    if (!piece.isEmpty()) {
                        JsonObjectBuilder b = head(shownModel);
                        shape.text(b, piece, null);
                        out.line(b.add("done", false).build());
                    }
                }
                JsonArrayBuilder calls = tally.toolCalls();
                if (calls != null) {
                    JsonObjectBuilder b = head(shownModel);
                    shape.text(b, "", calls);
                    out.line(b.add("done", false).build());
                }
                JsonObjectBuilder last = head(shownModel);
                shape.text(last, "", null);
                tally.finish(last, clock);
                out.line(last.build());
                timer.finished(tally.usage);
            } catch (ClientGoneException e) {
                LOG.log(System.Logger.Level.DEBUG, "an Ollama client left its stream; cancelling the generation");
            } catch (RuntimeException e) {
                try {
                    out.line(Json.createObjectBuilder().add("error", Errors.from(e).message()).build());
                } catch (ClientGoneException ignored) {
                    // gone as well
                }
            } finally {
                out.close();
            }
        }
    }

    static JsonObjectBuilder head(String model) {
        return Json.createObjectBuilder().add("model", model).add("created_at", Instant.now().toString());
    }

    /** What the chunks add up to: text, tool calls (their pieces joined by index), finish reason and usage. */
    private static final class Tally {
        final StringBuilder text = new StringBuilder();
        final Map<Integer, String[]> calls = new TreeMap<>(); // index -> id, name, arguments
        final long evalStart;
        long firstToken;
        String finish;
        Usage usage;

        Tally(long evalStart) {
            this.evalStart = evalStart;
        }

        /** Takes a chunk; returns its new text. */
        String add(ChatCompletionChunk c, GenerationTimer timer) {
            if (c.usage() != null) {
                usage = c.usage();
            }
            StringBuilder piece = new StringBuilder();
            for (ChunkChoice ch : c.choices()) {
                if (ch.delta() != null) {
                    String t = ch.delta().content();
                    if (t != null && !t.isEmpty()) {
                        piece.append(t);
                    }
                    if (ch.delta().toolCalls() != null) {
                        mark();
                        for (ToolCall tc : ch.delta().toolCalls()) {
                            int i = tc.index() == null ? calls.size() : tc.index();
                            String[] acc = calls.computeIfAbsent(i, k -> new String[] {null, null, ""});
                            if (tc.id() != null) {
                                acc[0] = tc.id();
                            }
                            if (tc.function() != null) {
                                if (tc.function().name() != null) {
                                    acc[1] = acc[1] == null ? tc.function().name() : acc[1] + tc.function().name();
                                }
                                if (tc.function().arguments() != null) {
                                    acc[2] += tc.function().arguments();
                                }
                            }
                        }
                    }
                }
                if (ch.finishReason() != null) {
                    finish = ch.finishReason();
                }
            }
            if (!piece.isEmpty()) {
                mark();
                timer.content();
                text.append(piece);
            }
            return piece.toString();
        }

        private void mark() {
            if (firstToken == 0) {
                firstToken = System.nanoTime();
            }
        }

        JsonArrayBuilder toolCalls() {
            if (calls.isEmpty()) {
                return null;
            }
            JsonArrayBuilder a = Json.createArrayBuilder();
            int n = 0;
            for (String[] c : calls.values()) {
                JsonObjectBuilder f = Json.createObjectBuilder().add("index", n++)
                        .add("name", c[1] == null ? "" : c[1])
                        .add("arguments", PlainJson.argumentsObject(c[2]));
                JsonObjectBuilder call = Json.createObjectBuilder();
                if (c[0] != null) {
                    call.add("id", c[0]);
                }
                a.add(call.add("function", f));
            }
            return a;
        }

        /** The last object's members: done, done_reason, counts and nanosecond durations. */
        void finish(JsonObjectBuilder b, Clock clock) {
            long end = System.nanoTime();
            long first = firstToken == 0 ? end : firstToken;
            String reason = finish == null || finish.equals("tool_calls") || finish.equals("function_call") ? "stop"
                    : finish;
            b.add("done", true).add("done_reason", reason)
                    .add("total_duration", end - clock.startNanos())
                    .add("load_duration", clock.loadNanos())
                    .add("prompt_eval_count", usage == null ? 0 : usage.promptTokens())
                    .add("prompt_eval_duration", Math.max(0, first - evalStart))
                    .add("eval_count", usage == null ? 0 : usage.completionTokens())
                    .add("eval_duration", Math.max(0, end - first));
        }
    }
}
