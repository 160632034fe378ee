package dev.jllm.server.cli.repl;

import java.util.Map;

/**
 * What a local model file says about itself (architecture, size, context length...), for {@code /show info};
 * empty when the model is not a local file.
 */
@FunctionalInterface
public interface ModelDescriber {
    Map<String, String> describe(String model);
}
