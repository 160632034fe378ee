package dev.jllm.providers;

import dev.jllm.api.Llm;
import dev.jllm.api.LlmException;
import dev.jllm.api.ModelInfo;
import dev.jllm.api.ProgressListener;
import dev.jllm.api.openai.Model;

/** Serves a model on an instance and describes the result ({@code LlmService.serve}). */
public final class ServedModels {

    private ServedModels() {
    }

    /** @param progress null for none */
    public static ModelInfo serve(Llm llm, String model, ProgressListener progress) {
        if (model == null || model.isBlank()) {
            throw new LlmException(LlmException.Kind.INVALID_REQUEST, "serve needs a model");
        }
        if (progress == null) {
            progress = ProgressListener.NONE;
        }
        if (llm instanceof RemoteInstance remote) {
            return remote.serveModel(model, progress); // measured where the work was done
        }
        long t0 = System.nanoTime();
        llm.serve(model, progress);
        double seconds = (System.nanoTime() - t0) / 1e9;
        String ownedBy = null;
        try {
            for (Model m : llm.models()) {
                if (model.equals(m.id())) {
                    ownedBy = m.ownedBy();
                    break;
                }
            }
        } catch (LlmException e) {
            // The model is served; an instance that cannot list its models right now only loses owned_by.
        }
        return new ModelInfo(model, llm.name(), llm.type(), ownedBy, seconds);
    }
}
