package dev.jllm.providers;

import dev.jllm.api.Llm;
import dev.jllm.api.ModelInfo;
import dev.jllm.api.ProgressListener;

/**
 * A handle on an instance that runs in another process (a proxy's handle on a server instance). That process
 * keeps its own current model, so a request without a model is completed there; it measures what serving a model
 * took; and it tells an instance it does not have from one that cannot answer now.
 */
public interface RemoteInstance extends Llm {

    /** Serves a model there ({@code LlmService.serve}) and describes the result as that process saw it. */
    ModelInfo serveModel(String model, ProgressListener progress);

    /**
     * Whether the instance can answer now ({@code LlmService.isReady(name)}): false when the other process cannot
     * be reached; NOT_FOUND when it has no such instance.
     */
    boolean isReadyThere();
}
