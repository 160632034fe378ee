package dev.jllm.server.cli.repl;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.HttpTimeouts;
import dev.jllm.api.LlmException;
import dev.jllm.api.LmStudioConfig;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.Model;
import dev.jllm.providers.OpenAiCompatibleLlm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers from a running {@code jllm serve}, through the OpenAI-compatible HTTP provider against its {@code /v1}
 * routes, with the model named as the server lists it.
 */
public final class RemoteBackend implements ChatBackend {
    /** A server that is up answers its model list at once; nothing listening is refused at once too. */
    private static final HttpTimeouts PROBE = new HttpTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(5));

    private final String baseUrl;
    private final OpenAiCompatibleLlm llm;
    private String model;
    private String served;

    private RemoteBackend(String baseUrl, OpenAiCompatibleLlm llm, String model, String served) {
        this.baseUrl = baseUrl;
        this.llm = llm;
        this.model = model;
        this.served = served;
    }

    /**
     * Connects to the server at {@code baseUrl} if one answers there and serves {@code model}.
     *
     * @param apiKey the key the server wants (JLLM_API_KEY), or null
     * @return empty when no server answers or it does not serve the model ({@code why} is told which)
     * @throws LlmException AUTHENTICATION or PERMISSION when a server answers but refuses the key
     */
    public static Optional<RemoteBackend> connect(String baseUrl, String apiKey, String model, StringBuilder why) {
        List<String> ids;
        try (OpenAiCompatibleLlm probe = new OpenAiCompatibleLlm("probe", config(baseUrl, apiKey, PROBE))) {
            ids = probe.models().stream().map(Model::id).toList();
        } catch (LlmException e) {
            if (e.kind() == LlmException.Kind.AUTHENTICATION || e.kind() == LlmException.Kind.PERMISSION) {
                throw new LlmException(e.kind(), "the server at " + baseUrl + " refused the key ("
                        + e.getMessage() + "): set JLLM_API_KEY to its key", e);
            }
            why.append("no server at ").append(baseUrl);
            return Optional.empty();
        }
        Optional<String> served = match(model, ids);
        if (served.isEmpty()) {
            why.append("the server at ").append(baseUrl).append(" does not serve ").append(model);
            return Optional.empty();
        }
        OpenAiCompatibleLlm llm = new OpenAiCompatibleLlm("run", config(baseUrl, apiKey, HttpTimeouts.DEFAULTS));
        return Optional.of(new RemoteBackend(baseUrl, llm, model, served.get()));
    }

    private static LmStudioConfig config(String baseUrl, String apiKey, HttpTimeouts timeouts) {
        // Any OpenAI-compatible server without a required key: the lmstudio type is exactly that.
        return new LmStudioConfig(baseUrl + "/v1", apiKey, timeouts);
    }

    /**
     * The id under which the server serves a model the user named: the same id, or (for a file or a Hugging Face
     * directory) its name without {@code .gguf}, which is the alias {@code jllm serve --model} gives by default.
     */
    static Optional<String> match(String model, List<String> ids) {
        if (ids.contains(model)) {
            return Optional.of(model);
        }
        Path file = Path.of(model).getFileName();
        if (file != null) {
            String stem = file.toString();
            if (stem.endsWith(".gguf")) {
                stem = stem.substring(0, stem.length() - ".gguf".length());
            }
            if (ids.contains(stem)) {
                return Optional.of(stem);
            }
        }
        return Optional.empty();
    }

    @Override
    public String describe() {
        return "using the server at " + baseUrl + (served.equals(model) ? "" : " (model " + served + ")");
    }

    @Override
    public String model() {
        return model;
    }

    @Override
    public ChatCompletionStream stream(ChatCompletionRequest.Builder request) {
        return llm.chatCompletionStream(request.model(served).build());
    }

    @Override
    public void load(String next) {
        List<String> ids = llm.models().stream().map(Model::id).toList();
        String id = match(next, ids).orElseThrow(() -> new ReplError("the server at " + baseUrl + " does not serve '"
                + next + "'; it serves: " + String.join(", ", ids)));
        model = next;
        served = id;
    }

    @Override
    public void contextSize(int tokens) {
        throw new ReplError("the server's context size is set when it starts (jllm serve --ctx N); answers from "
                + baseUrl + " cannot change it");
    }

    @Override
    public Map<String, String> info() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("running", "on the server at " + baseUrl);
        m.put("served as", served);
        return m;
    }

    @Override
    public void close() {
        llm.close();
    }
}
