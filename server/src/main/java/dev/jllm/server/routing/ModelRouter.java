package dev.jllm.server.routing;

import dev.jllm.api.CurrentModel;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmService;
import dev.jllm.api.openai.Model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides which instance and which of its models a request's {@code model} means. In order:
 * <ol>
 *   <li>absent: the current model;</li>
 *   <li>an instance name (a {@code --model} file's alias or file name, or a name given when the instance was
 *       created): that instance, with the current model's id if the current model is on it, else the first model
 *       the instance lists;</li>
 *   <li>{@code instance/model}: that model on that instance (instance names never contain '/');</li>
 *   <li>a model id of the current model's instance.</li>
 * </ol>
 * Anything else is a 404 {@code model_not_found}. {@code GET /v1/models} lists exactly ids that route.
 */
public final class ModelRouter {

    private static final System.Logger LOG = System.getLogger(ModelRouter.class.getName());

    /** Where a request goes: an instance and the model id to ask it for. */
    public record Target(String instance, String modelId) {
        public Target {
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(modelId, "modelId");
        }

        /**
         * The model an answer names: what the client asked for (an alias, a store name), as OpenAI echoes its
         * model names; for a request that named none, the model id, or the instance name when that id is a file
         * on this server (a {@code --model} path is nobody's business but the server's).
         */
        public String shownModel(String requested) {
            if (requested != null && !requested.isBlank()) {
                return requested;
            }
            try {
                if (java.nio.file.Files.exists(java.nio.file.Path.of(modelId))) {
                    return instance;
                }
            } catch (RuntimeException notAPath) {
                // an id that is no path at all is shown as it is
            }
            return modelId;
        }
    }

    private final LlmService service;
    private final long listedCreated;

    /** @param listedCreated the {@code created} reported for instance names, which have no date of their own */
    public ModelRouter(LlmService service, long listedCreated) {
        this.service = service;
        this.listedCreated = listedCreated;
    }

    public Target resolve(String requested) {
        Optional<CurrentModel> current = service.currentModel();
        if (requested == null || requested.isBlank()) {
            CurrentModel c = current.orElseThrow(() -> ApiException.invalid(
                    "the request names no model and no current model is set", "model"));
            if (!service.has(c.serviceName())) {
                // The current model is remembered across restarts; its instance may not exist (yet).
                throw new ApiException(new ApiError(404, ApiError.INVALID_REQUEST, "the request names no model and"
                        + " the current model '" + c.modelId() + "' is served by instance '" + c.serviceName()
                        + "', which does not exist", "model", "model_not_found", null));
            }
            return new Target(c.serviceName(), c.modelId());
        }
        if (service.has(requested)) {
            return new Target(requested, defaultModel(requested, current));
        }
        int slash = requested.indexOf('/');
        if (slash > 0 && slash < requested.length() - 1 && service.has(requested.substring(0, slash))) {
            return new Target(requested.substring(0, slash), requested.substring(slash + 1));
        }
        if (current.isPresent()) {
            CurrentModel c = current.get();
            if (c.modelId().equals(requested)) {
                return new Target(c.serviceName(), c.modelId());
            }
            if (service.has(c.serviceName())) {
                for (Model m : modelsOf(c.serviceName())) {
                    if (requested.equals(m.id())) {
                        return new Target(c.serviceName(), requested);
                    }
                }
            }
        }
        throw new ApiException(ApiError.modelNotFound(requested));
    }

    /** Every id that routes: instance names, then the current instance's models. */
    public List<Model> list() {
        Map<String, Model> out = new LinkedHashMap<>();
        for (String name : service.list()) {
            String type;
            try {
                type = service.get(name).type();
            } catch (LlmException e) {
                continue; // removed meanwhile
            }
            out.put(name, Model.of(name, listedCreated, type));
        }
        Optional<CurrentModel> current = service.currentModel();
        if (current.isPresent() && service.has(current.get().serviceName())) {
            CurrentModel c = current.get();
            out.putIfAbsent(c.modelId(), Model.of(c.modelId(), listedCreated, c.serviceName()));
            for (Model m : modelsOf(c.serviceName())) {
                out.putIfAbsent(m.id(), Model.of(m.id(), m.created() > 0 ? m.created() : listedCreated,
                        m.ownedBy() == null ? c.serviceName() : m.ownedBy()));
            }
        }
        return new ArrayList<>(out.values());
    }

    /** One id as {@code GET /v1/models/{id}} shows it; 404 when it does not route. */
    public Model find(String id) {
        for (Model m : list()) {
            if (m.id().equals(id)) {
                return m;
            }
        }
        Target t = resolve(id); // "instance/model" and models not listed still route
        return Model.of(id, listedCreated, t.instance());
    }

    private String defaultModel(String instance, Optional<CurrentModel> current) {
        if (current.isPresent() && current.get().serviceName().equals(instance)) {
            return current.get().modelId();
        }
        List<Model> models = service.models(instance);
        if (models.isEmpty()) {
            throw new ApiException(new ApiError(404, ApiError.INVALID_REQUEST, "instance '" + instance
                    + "' has no model to serve", "model", "model_not_found", null));
        }
        return models.getFirst().id();
    }

    /** An instance's models; an instance that cannot list them now (a remote one that is down) lists none. */
    private List<Model> modelsOf(String instance) {
        try {
            return service.models(instance);
        } catch (LlmException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot list the models of " + instance + ": " + e.getMessage());
            return List.of();
        }
    }
}
