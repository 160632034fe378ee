package dev.jllm.langchain4j;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmService;
import dev.jllm.api.ModelHandle;
import dev.jllm.api.ProgressListener;
import dev.jllm.api.SharedModels;

/**
 * Where a jllm LangChain4j model sends its requests: a model reference served on the JVM's shared service
 * ({@link SharedModels}: loaded once however many models and frameworks use it), or an existing service and
 * instance the application manages itself.
 */
final class JllmModelSource {

    private String model;
    private LlmService service;
    private String instance;
    private int threads;
    private int contextSize;
    private ProgressListener progress;

    void model(String ref) {
        this.model = ref;
    }

    void service(LlmService s, String instanceName) {
        this.service = s;
        this.instance = instanceName;
    }

    void threads(int n) {
        this.threads = n;
    }

    void contextSize(int n) {
        this.contextSize = n;
    }

    void progress(ProgressListener p) {
        this.progress = p;
    }

    /** Serves the model (pulling and loading it if needed) and says where to send requests. */
    ModelHandle open() {
        if (service != null) {
            if (instance == null || instance.isBlank()) {
                throw LlmException.invalid("an existing service needs the instance name to use");
            }
            if (model == null || model.isBlank()) {
                throw LlmException.invalid("name the model of instance '" + instance + "' to use (modelName)");
            }
            return new ModelHandle(service, instance, model);
        }
        return SharedModels.local(model, threads, contextSize, progress);
    }
}
