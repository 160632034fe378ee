package dev.jllm.server.routing;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmInfo;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ApiException;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Refuses a huge prompt before the request is bound and handed on: turning a 15 MB body into request records
 * costs seconds of CPU (serializing and binding it again), which a prompt far beyond any loaded model's context
 * should not get to spend. Instances that know their limit say so in {@code max_prompt_chars} (local ones: the
 * context times the longest token, see LocalModel); the instance still checks the exact token count itself.
 */
final class PromptSize {

    /** Below this many characters nothing is worth checking early. */
    private static final long CHECK_FROM = 256 * 1024;
    /** A chat template may leave text out (earlier reasoning, say): the margin LocalLlm allows too. */
    private static final long RENDER_MARGIN = 4;

    private PromptSize() { }

    /** A chat body: the texts of its messages. */
    static void checkChat(ServerContext ctx, JsonObject body) {
        long chars = 0;
        if (body.get("messages") instanceof JsonArray messages) {
            for (JsonValue m : messages) {
                if (m instanceof JsonObject o) {
                    chars += textChars(o.get("content"));
                }
            }
        }
        check(ctx, body, chars / RENDER_MARGIN);
    }

    /** A legacy completion body: its prompt. */
    static void checkRaw(ServerContext ctx, JsonObject body) {
        check(ctx, body, textChars(body.get("prompt")));
    }

    private static long textChars(JsonValue v) {
        if (v instanceof JsonString s) {
            return s.getString().length();
        }
        long n = 0;
        if (v instanceof JsonArray parts) {
            for (JsonValue p : parts) {
                if (p instanceof JsonObject o && o.get("text") instanceof JsonString t) {
                    n += t.getString().length();
                } else if (p instanceof JsonString s) {
                    n += s.getString().length();
                }
            }
        }
        return n;
    }

    private static void check(ServerContext ctx, JsonObject body, long chars) {
        if (chars < CHECK_FROM) {
            return;
        }
        String model = body.get("model") instanceof JsonString s ? s.getString() : null;
        long max;
        try {
            LlmInfo info = ctx.service().info(ctx.router().resolve(model).instance());
            String limit = info.details() == null ? null : info.details().get("max_prompt_chars");
            if (limit == null) {
                return;
            }
            max = Long.parseLong(limit);
        } catch (ApiException | LlmException | NumberFormatException e) {
            return; // an unknown model and the like are reported by the usual checks
        }
        if (chars > max) {
            throw new ApiException(ApiError.invalid("the prompt has " + chars + " characters, more than the context"
                    + " of the model can hold (at most " + max + "): shorten the conversation", null,
                    "context_length_exceeded"));
        }
    }
}
