package dev.jllm.server.jobs;

import dev.jllm.api.HttpLlmConfig;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmService;
import dev.jllm.api.openai.Model;
import dev.jllm.models.store.ModelStoreException;
import dev.jllm.server.config.OnDemandConfig;
import dev.jllm.server.ondemand.ModelNames;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ApiException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rule a model name given to a job follows before it reaches an engine instance (one that opens files:
 * {@code local}, {@code jlama}), the rule HTTP requests follow ({@link ModelNames}): an alias, a store model, a Hub
 * reference when pulls are allowed, a file inside a {@code --models-dir}, or a model the instance already has.
 * Anything else fails with the same 404 (load failure {@code model_not_found}), whether it is not there or not
 * allowed, so the jobs API can neither open server files nor tell which exist. Remote instances' names are their
 * provider's own.
 */
public final class ModelGate {

    private final ModelNames names;
    private final OnDemandConfig.Pull pull;

    /** @param pull when a Hub reference missing from the store may be pulled ({@code --pull}) */
    public ModelGate(ModelNames names, OnDemandConfig.Pull pull) {
        this.names = names;
        this.pull = pull;
    }

    /**
     * What to hand an engine for {@code name}: the alias's target, the store model's name, the file's real path.
     *
     * @param explicit whether the job asks for the model itself ({@code model.serve}, {@code instance.create}: a
     *                 pull like {@code /api/pull}) rather than using it (a chat: a pull only with {@code --pull
     *                 on-request})
     * @throws LlmException NOT_FOUND (404, load failure {@code model_not_found}) for a name that is unknown or
     *                      not allowed, alike
     */
    public String admit(String name, boolean explicit) {
        boolean pullable = explicit ? pull != OnDemandConfig.Pull.NEVER : pull == OnDemandConfig.Pull.ON_REQUEST;
        try {
            return names.find(name, pullable).map(ModelNames.Found::canonical).orElseThrow(() -> notFound(name));
        } catch (ModelStoreException e) {
            throw new ApiException(ApiError.invalid(e.getMessage(), "model"));
        }
    }

    /**
     * The HTTP routes' 404 message, word for word, as the engine reports a model it cannot find (a load failure,
     * {@code model_not_found}), so that a proxy raises it as the engine's own {@code NOT_FOUND}.
     */
    private static LlmException notFound(String name) {
        return LlmException.modelLoad(LlmException.LoadFailure.MODEL_NOT_FOUND, LlmException.Kind.NOT_FOUND,
                ApiError.modelNotFound(name).message(), null);
    }

    /** {@code model} as instance {@code instance} may be asked for it: as it is on a remote or when listed there. */
    public String admitFor(LlmService service, String instance, String model, boolean explicit) {
        if (model == null || model.isBlank() || model.equals(instance)
                || service.get(instance).config() instanceof HttpLlmConfig) {
            return model; // nothing named, the instance's own name (as its alias is on the HTTP routes), or remote
        }
        for (Model m : service.models(instance)) {
            if (m.id().equals(model)) {
                return model; // loaded, or a store model it lists
            }
        }
        return admit(model, explicit);
    }

    /** An engine configuration with its {@code model} admitted; remote configurations as they are. */
    public LlmConfig admit(LlmConfig config) {
        Map<String, String> options = new LinkedHashMap<>(config.toMap());
        String model = options.get("model");
        if (config instanceof HttpLlmConfig || model == null || model.isBlank()) {
            return config;
        }
        String admitted = admit(model, true);
        if (admitted.equals(model)) {
            return config;
        }
        options.put("model", admitted);
        options.remove("type");
        return LlmConfig.fromMap(config.type(), options);
    }
}
