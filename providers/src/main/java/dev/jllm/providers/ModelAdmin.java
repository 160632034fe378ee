package dev.jllm.providers;

import dev.jllm.api.ProgressListener;

import java.util.List;

/** The model lifecycle operations of a remote server, which the OpenAI API does not cover. */
interface ModelAdmin {

    void serve(String model, ProgressListener progress);

    void unload(String model);

    void delete(String model);

    /** Models loaded in memory now, where the server says; empty when it cannot. */
    List<String> loadedModels();

    /** For servers with no such API: every operation is NOT_SUPPORTED, naming the instance type. */
    static ModelAdmin unsupported(String type) {
        return new ModelAdmin() {
            @Override
            public void serve(String model, ProgressListener progress) {
                throw dev.jllm.api.LlmException.notSupported("serve is not supported by " + type + " instances");
            }

            @Override
            public void unload(String model) {
                throw dev.jllm.api.LlmException.notSupported("unload is not supported by " + type + " instances");
            }

            @Override
            public void delete(String model) {
                throw dev.jllm.api.LlmException.notSupported("deleteModel is not supported by " + type
                        + " instances");
            }

            @Override
            public List<String> loadedModels() {
                return List.of();
            }
        };
    }
}
