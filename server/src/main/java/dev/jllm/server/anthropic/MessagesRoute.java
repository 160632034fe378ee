package dev.jllm.server.anthropic;

import dev.jllm.api.Llm;
import dev.jllm.runtime.engine.LocalLlm;
import dev.jllm.server.routing.ServerContext;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ApiException;
import dev.jllm.server.routing.ModelRouter;
import dev.jllm.server.routing.Readiness503;
import dev.jllm.server.http.RequestBodies;
import dev.jllm.server.openai.Responses;
import dev.jllm.server.translate.Answer;
import dev.jllm.server.translate.Block;
import dev.jllm.server.translate.ChatRun;
import dev.jllm.server.translate.EventStreams;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import java.security.SecureRandom;
import java.util.HexFormat;

import static dev.jllm.server.metrics.RouteLabel.named;

/**
 * Anthropic's Messages API: {@code POST /v1/messages} (whole or streamed) and {@code POST
 * /v1/messages/count_tokens}, translated to and from the Chat Completions machinery (the same templates, tool-call
 * parsing and constrained decoding). The API key may come as {@code x-api-key} (AuthFilter); the
 * {@code anthropic-version} and {@code anthropic-beta} headers are accepted and need nothing: there is one version
 * of these routes. Errors are in Anthropic's shape.
 */
public final class MessagesRoute {

    /** The paths served here, for the fallback route's 405s. */
    public static final String PATHS = "/v1/messages(/count_tokens)?";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ServerContext ctx;

    MessagesRoute(ServerContext ctx) {
        this.ctx = ctx;
    }

    public static void register(HttpRouting.Builder routing, ServerContext ctx) {
        MessagesRoute r = new MessagesRoute(ctx);
        routing.post("/v1/messages", named("/v1/messages", AnthropicErrors.guarded(r::create)))
                .post("/v1/messages/count_tokens", named("/v1/messages/count_tokens",
                        AnthropicErrors.guarded(r::countTokens)));
    }

    void create(ServerRequest req, ServerResponse res) {
        Readiness503.check(ctx.readiness());
        JsonObject body = RequestBodies.jsonObject(req, ctx.config().maxBodyBytes());
        MessagesRequest r = MessagesRequest.parse(body, false);
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        String id = "msg_" + HexFormat.of().formatHex(b);
        StopSequences stops = new StopSequences(r.stopSequences());
        try (ChatRun run = ChatRun.open(ctx, r.chat())) {
            MessageJson json = new MessageJson(id, run.shownModel());
            if (body.getBoolean("stream", false)) {
                EventStreams.send(res, run, sse -> new MessagesEvents(sse, json, stops), events -> { },
                        MessagesEvents::error);
                return;
            }
            Answer answer = new Answer(new Tokens(stops));
            run.pump(answer);
            String stop = stops.matched(answer.finishReason());
            Responses.json(res, 200, json.message(answer.blocks(), MessageJson.stopReason(answer.finishReason(), stop),
                    stop, answer.usage()).toString());
        }
    }

    /** Passes the sampled tokens to the stop sequence check; nothing else is needed of a whole answer's events. */
    private record Tokens(StopSequences stops) implements dev.jllm.server.translate.BlockListener {
        @Override
        public void token(String text) {
            stops.token(text);
        }

        @Override
        public void closed(Block block) {
        }

        @Override
        public void end(String finishReason, dev.jllm.api.openai.Usage usage) {
        }
    }

    void countTokens(ServerRequest req, ServerResponse res) {
        Readiness503.check(ctx.readiness());
        JsonObject body = RequestBodies.jsonObject(req, ctx.config().maxBodyBytes());
        MessagesRequest r = MessagesRequest.parse(body, true);
        ModelRouter.Target target = ctx.router().resolve(r.chat().model());
        Llm llm = ctx.service().get(target.instance());
        if (!(llm instanceof LocalLlm local)) {
            throw new ApiException(new ApiError(501, "not_supported_error", "instance '" + target.instance()
                    + "' runs its models elsewhere; counting tokens needs a local model", "model", null, null));
        }
        int n = local.promptTokens(r.chat().toBuilder().model(target.modelId()).build());
        Responses.json(res, 200, Json.createObjectBuilder().add("input_tokens", n).build().toString());
    }
}
