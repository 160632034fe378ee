package dev.jllm.providers;

import dev.jllm.api.LlmService;
import dev.jllm.api.LlmServiceFactory;
import dev.jllm.api.ServiceOptions;

/** Main mode for {@link dev.jllm.api.LlmServices}: an {@link LlmServiceMain} in the options' home. */
public final class MainServiceFactory implements LlmServiceFactory {

    @Override
    public String mode() {
        return MAIN;
    }

    @Override
    public LlmService create(ServiceOptions options) {
        return options.home() == null ? new LlmServiceMain() : new LlmServiceMain(options.home());
    }
}
