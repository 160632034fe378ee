package dev.jllm.server.routing;

import dev.jllm.server.openai.ChatRequestValidator;
import dev.jllm.api.Llm;
import dev.jllm.runtime.engine.LocalLlm;
import dev.jllm.server.http.RequestBodies;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ApiException;
import dev.jllm.server.openai.JsonFields;
import dev.jllm.server.openai.OpenAiWire;
import dev.jllm.server.openai.Responses;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonValue;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * llama-server's utility routes, for the tools written against it: {@code POST /tokenize} ({@code content},
 * {@code add_special}, {@code parse_special}, {@code with_pieces}), {@code POST /detokenize} ({@code tokens}) and
 * {@code GET /props}, {@code POST /apply-template}. They name a model as chat requests do ({@code model} member, or {@code ?model=} on
 * {@code /props}; the current model when absent) and need a local instance: remote ones answer 501.
 */
public final class UtilityRoutes {

    private final ServerContext ctx;

    public UtilityRoutes(ServerContext ctx) {
        this.ctx = ctx;
    }

    public void tokenize(ServerRequest req, ServerResponse res) {
        Readiness503.check(ctx.readiness());
        JsonFields f = JsonFields.of(RequestBodies.jsonObject(req, ctx.config().maxBodyBytes()));
        f.allowOnly(Set.of("model", "content", "add_special", "parse_special", "with_pieces"));
        String content = f.requiredString("content");
        boolean addSpecial = Boolean.TRUE.equals(f.bool("add_special"));
        boolean parseSpecial = !Boolean.FALSE.equals(f.bool("parse_special"));
        boolean withPieces = Boolean.TRUE.equals(f.bool("with_pieces"));
        Local local = local(f.string("model"));
        JsonArrayBuilder tokens = Json.createArrayBuilder();
        for (LocalLlm.TokenPiece t : local.llm.tokenize(local.model, content, addSpecial, parseSpecial)) {
            if (withPieces) {
                tokens.add(Json.createObjectBuilder().add("id", t.id()).add("piece", piece(t.bytes())));
            } else {
                tokens.add(t.id());
            }
        }
        Responses.json(res, 200, Json.createObjectBuilder().add("tokens", tokens).build().toString());
    }

    public void detokenize(ServerRequest req, ServerResponse res) {
        Readiness503.check(ctx.readiness());
        JsonFields f = JsonFields.of(RequestBodies.jsonObject(req, ctx.config().maxBodyBytes()));
        f.allowOnly(Set.of("model", "tokens"));
        JsonArray array = f.array("tokens");
        if (array == null) {
            throw ApiException.invalid("'tokens' is required", "tokens");
        }
        int[] tokens = new int[array.size()];
        for (int i = 0; i < tokens.length; i++) {
            if (!(array.get(i) instanceof JsonNumber n) || !n.isIntegral()) {
                throw ApiException.invalid("'tokens[" + i + "]' must be a token id (an integer)", "tokens[" + i + "]");
            }
            tokens[i] = n.intValue();
        }
        Local local = local(f.string("model"));
        String text = local.llm.detokenize(local.model, tokens);
        Responses.json(res, 200, Json.createObjectBuilder().add("content", text).build().toString());
    }

    /**
     * llama-server's {@code POST /apply-template}: the prompt the model's chat template makes of a chat request
     * (messages, tools, the thinking switch), as {@code {"prompt": ...}}, without generating anything.
     */
    public void applyTemplate(ServerRequest req, ServerResponse res) {
        Readiness503.check(ctx.readiness());
        dev.jllm.api.openai.ChatCompletionRequest r = ChatRequestValidator.parse(
                RequestBodies.jsonObject(req, ctx.config().maxBodyBytes()));
        Local local = local(r.model());
        String prompt = local.llm.applyTemplate(r.withModel(local.model));
        Responses.json(res, 200, Json.createObjectBuilder().add("prompt", prompt).build().toString());
    }

    public void props(ServerRequest req, ServerResponse res) {
        Readiness503.check(ctx.readiness());
        String model = req.query().contains("model") ? req.query().get("model") : null;
        Local local = local(model);
        Map<String, Object> props = local.llm.props(local.model);
        Responses.json(res, 200, OpenAiWire.toValue(props).toString());
    }

    private record Local(LocalLlm llm, String model) {
    }

    private Local local(String requested) {
        ModelRouter.Target target = ctx.router().resolve(requested);
        Llm llm = ctx.service().get(target.instance());
        if (!(llm instanceof LocalLlm local)) {
            throw new ApiException(new ApiError(501, "not_supported_error", "instance '" + target.instance()
                    + "' runs its models elsewhere; this route needs a local model", "model", "not_supported", null));
        }
        return new Local(local, target.modelId());
    }

    /** A piece as llama-server writes it: its text when the bytes are whole UTF-8, else the bytes. */
    private static JsonValue piece(byte[] bytes) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return Json.createValue(text);
        } catch (CharacterCodingException e) {
            JsonArrayBuilder b = Json.createArrayBuilder();
            for (byte x : bytes) {
                b.add(Byte.toUnsignedInt(x));
            }
            return b.build();
        }
    }

}
