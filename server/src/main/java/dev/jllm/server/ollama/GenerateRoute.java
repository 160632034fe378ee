package dev.jllm.server.ollama;

import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.server.openai.JsonFields;
import dev.jllm.server.routing.ServerContext;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /api/generate}: a completion of {@code prompt}. By default the prompt (and {@code system}) go through
 * the model's chat template as one user turn, as in Ollama; {@code raw} sends the prompt as it is; a
 * {@code template} made of Ollama's {@code {{ .System }}}, {@code {{ .Prompt }}} and {@code {{ .Response }}}
 * placeholders is filled in and sent raw. An empty prompt loads the model ({@code keep_alive} 0 unloads it).
 * {@code context} (token ids of an earlier answer, deprecated in Ollama), {@code suffix} (fill-in-the-middle)
 * and images are refused with the reason.
 */
final class GenerateRoute {

    static final Set<String> FIELDS = Set.of("model", "prompt", "suffix", "system", "template", "context",
            "stream", "raw", "format", "keep_alive", "images", "options", "think");
    /** One placeholder of an Ollama template, with its optional whitespace trimming markers. */
    private static final Pattern ACTION = Pattern.compile("\\{\\{(-?)\\s*(.*?)\\s*(-?)}}", Pattern.DOTALL);

    private GenerateRoute() { }

    /** An {@link OllamaGeneration.Generate}: the request's members are within {@link #FIELDS}. */
    static void generate(ServerContext ctx, ServerResponse res, JsonFields body, OllamaRequests.Common c,
                                 long t0) {
        String prompt = body.string("prompt");
        String system = body.string("system");
        String template = body.string("template");
        boolean raw = Boolean.TRUE.equals(body.bool("raw"));
        JsonArray context = body.array("context");
        if (context != null && !context.isEmpty()) {
            throw OllamaException.badRequest("'context' (the token ids of an earlier answer) is not supported by"
                    + " jllm: send the conversation as messages to /api/chat instead");
        }
        JsonArray images = body.array("images");
        if (images != null && !images.isEmpty()) {
            throw OllamaException.badRequest("images are not supported: jllm's models read text only");
        }
        String suffix = body.string("suffix");
        if (suffix != null && !suffix.isEmpty()) {
            throw OllamaException.badRequest("\"" + c.model() + "\" does not support insert (suffix): jllm has no"
                    + " fill-in-the-middle support yet");
        }
        if (raw && ((template != null && !template.isEmpty()) || (system != null && !system.isEmpty()))) {
            throw OllamaException.badRequest("raw mode does not support template, system, or context");
        }
        ChatCompletionRequest.Builder b = ChatCompletionRequest.builder();
        OllamaRequests.apply(body, c.model(), b);
        if (prompt == null || prompt.isEmpty()) {
            OllamaModels.loadOrUnload(ctx, res, c.model(), c.numCtx(), c.keepAlive(), OllamaGeneration.GENERATE);
            return;
        }
        String rawPrompt = null;
        if (raw) {
            rawPrompt = prompt;
        } else if (template != null && !template.isEmpty()) {
            rawPrompt = fill(template, system == null ? "" : system, prompt);
        } else {
            List<ChatMessage> messages = new ArrayList<>();
            if (system != null && !system.isEmpty()) {
                messages.add(ChatMessage.system(system));
            }
            messages.add(ChatMessage.user(prompt));
            b.messages(messages);
        }
        OllamaGeneration.routeAndRun(ctx, res, c, b.build(), rawPrompt, t0, OllamaGeneration.GENERATE);
    }

    /**
     * Fills an Ollama template that uses only {@code .System}, {@code .Prompt} and {@code .Response} (the prompt
     * ends where the response begins). Go templates can do much more; anything else is refused, not guessed at.
     */
    static String fill(String template, String system, String prompt) {
        StringBuilder out = new StringBuilder();
        Matcher m = ACTION.matcher(template);
        int at = 0;
        while (m.find()) {
            String before = template.substring(at, m.start());
            if (!m.group(1).isEmpty()) {
                before = before.stripTrailing();
            }
            out.append(before);
            String action = m.group(2);
            at = m.end();
            switch (action) {
                case ".System" -> out.append(system);
                case ".Prompt" -> out.append(prompt);
                case ".Response" -> {
                    return out.toString();
                }
                default -> throw OllamaException.badRequest("template: jllm fills only {{ .System }}, {{ .Prompt }}"
                        + " and {{ .Response }} in a request's template, not {{ " + action + " }}; leave 'template'"
                        + " out to use the model's own chat template");
            }
            if (!m.group(3).isEmpty()) {
                while (at < template.length() && Character.isWhitespace(template.charAt(at))) {
                    at++;
                }
            }
        }
        return out.append(template.substring(at)).toString();
    }
}
