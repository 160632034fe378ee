package dev.jllm.providers;

import dev.jllm.api.HttpLlmConfig;
import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmProviderFactory;

/**
 * Makes {@link OpenAiCompatibleLlm}s for one of the HTTP types. One subclass per type, because ServiceLoader
 * needs a no-argument constructor per registered type.
 */
public abstract class OpenAiCompatibleFactory implements LlmProviderFactory {

    private final String type;

    protected OpenAiCompatibleFactory(String type) {
        this.type = type;
    }

    @Override
    public final String type() {
        return type;
    }

    @Override
    public final Llm create(String name, LlmConfig config) {
        if (!(config instanceof HttpLlmConfig http) || !config.type().equals(type)) {
            throw LlmException.invalid("a " + type + " instance needs a " + type + " config, got "
                    + (config == null ? "none" : config.type()));
        }
        return new OpenAiCompatibleLlm(name, http);
    }

    /** The {@code openai} type. */
    public static final class OpenAi extends OpenAiCompatibleFactory {
        public OpenAi() {
            super(LlmConfig.OPENAI);
        }
    }

    /** The {@code ollama} type. */
    public static final class Ollama extends OpenAiCompatibleFactory {
        public Ollama() {
            super(LlmConfig.OLLAMA);
        }
    }

    /** The {@code lmstudio} type. */
    public static final class LmStudio extends OpenAiCompatibleFactory {
        public LmStudio() {
            super(LlmConfig.LMSTUDIO);
        }
    }
}
