package dev.jllm.server.routing;

import dev.jllm.api.CurrentModel;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmService;
import dev.jllm.api.openai.Model;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ApiException;

import dev.jllm.models.store.ModelStoreException;
import dev.jllm.models.store.StoredModel;
import dev.jllm.server.config.OnDemandConfig;
import dev.jllm.server.ondemand.ModelNames;
import dev.jllm.server.ondemand.OnDemandModels;

import java.nio.file.Path;
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
 *   <li>{@code instance/model}: that model on that instance (instance names never contain '/'); on a local
 *       instance only a model it has loaded, so that a request never makes it open a file;</li>
 *   <li>a model id of the current model's instance;</li>
 *   <li>what {@link ModelNames} resolves (an alias, a store model, a Hugging Face reference the server may pull,
 *       a file in a {@code --models-dir}): a pinned model's instance, else the model loaded on demand.</li>
 * </ol>
 * Anything else is a 404 {@code model_not_found}, the same whether the name is unknown or not allowed.
 * {@code GET /v1/models} lists exactly ids that route.
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

    /**
     * A routed request: where it goes, and the on-demand model it holds (null for other instances), which the
     * caller hands back with {@link OnDemandModels#release} when the request is done.
     */
    public record Routed(Target target, OnDemandModels.Loaded loaded) { }

    private final LlmService service;
    private final long listedCreated;
    private final OnDemandModels onDemand;
    private final int pinnedContext;

    /**
     * @param listedCreated the {@code created} reported for instance names, which have no date of their own
     * @param onDemand      the store's models, loaded when requests name them
     * @param pinnedContext the context size of the instances the server started with ({@code --ctx}, 0 = models')
     */
    public ModelRouter(LlmService service, long listedCreated, OnDemandModels onDemand, int pinnedContext) {
        this.service = service;
        this.listedCreated = listedCreated;
        this.onDemand = onDemand;
        this.pinnedContext = pinnedContext;
    }

    public OnDemandModels onDemand() {
        return onDemand;
    }

    /** Where a request goes; a model loaded on demand for it starts its keep-alive at once. */
    public Target resolve(String requested) {
        Routed r = route(requested, 0);
        if (r.loaded() != null) {
            onDemand.release(r.loaded().canonical(), null);
        }
        return r.target();
    }

    /**
     * Where a request goes, holding an on-demand model until the caller releases it.
     *
     * @param numCtx the context size the request asks for (Ollama's {@code num_ctx}), 0 for any
     */
    public Routed route(String requested, int numCtx) {
        if (requested != null && !requested.isBlank()) {
            Optional<OnDemandModels.Loaded> byInstance = onDemand.byInstance(requested);
            if (byInstance.isPresent() && !byInstance.get().pinned()) {
                return acquire(new ModelNames.Found(byInstance.get().canonical(), Path.of("."),
                        byInstance.get().size()), numCtx);
            }
        }
        if (requested != null && !requested.isBlank() && !service.has(requested)) {
            Optional<String> alias = onDemand.names().aliasTarget(requested);
            if (alias.isPresent() && service.has(alias.get())) {
                return route(alias.get(), numCtx); // a copy of a pinned model names its instance
            }
        }
        Target t = routeToInstance(requested);
        if (t != null) {
            checkPinnedContext(requested, numCtx);
            return new Routed(t, null);
        }
        Optional<ModelNames.Found> found;
        try {
            found = onDemand.names().find(requested, onDemand.settings().pull() == OnDemandConfig.Pull.ON_REQUEST);
        } catch (ModelStoreException e) {
            throw new ApiException(ApiError.invalid(e.getMessage(), "model"));
        }
        if (found.isEmpty()) {
            throw new ApiException(ApiError.modelNotFound(requested));
        }
        Optional<OnDemandModels.Loaded> pinned = onDemand.find(found.get().canonical()).filter(OnDemandModels.Loaded::pinned);
        if (pinned.isPresent() && service.has(pinned.get().instance())) {
            checkPinnedContext(requested, numCtx);
            String instance = pinned.get().instance();
            return new Routed(new Target(instance, defaultModel(instance, service.currentModel())), null);
        }
        return acquire(found.get(), numCtx);
    }

    private Routed acquire(ModelNames.Found found, int numCtx) {
        OnDemandModels.Loaded l = onDemand.acquire(found, numCtx);
        return new Routed(new Target(l.instance(), l.canonical()), l);
    }

    private void checkPinnedContext(String requested, int numCtx) {
        if (numCtx > 0 && numCtx != pinnedContext) {
            throw new ApiException(ApiError.invalid("'" + requested + "' was loaded at start with a context of "
                    + (pinnedContext == 0 ? "the model's own size" : pinnedContext + " tokens")
                    + " (--ctx); num_ctx " + numCtx + " cannot be honoured", "num_ctx"));
        }
    }

    /** Steps 1-4: the current model, instances and their models; null when none of them applies. */
    private Target routeToInstance(String requested) {
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
            String instance = requested.substring(0, slash);
            String model = requested.substring(slash + 1);
            if (!isLocal(instance) || modelsOf(instance).stream().anyMatch(m -> m.id().equals(model))) {
                return new Target(instance, model);
            }
            // A local instance would load whatever the name points at, a server file included: only what it has
            // loaded is reachable this way. Not found, whatever the reason, so nothing about the disk leaks.
            throw new ApiException(ApiError.modelNotFound(requested));
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
        return null;
    }

    private boolean isLocal(String instance) {
        try {
            return "local".equals(service.get(instance).type());
        } catch (LlmException e) {
            return false;
        }
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
        ModelNames names = onDemand.names();
        for (StoredModel m : names.store().list()) {
            out.putIfAbsent(m.name(), Model.of(m.name(), m.manifest().pulledAt().getEpochSecond(), "jllm"));
        }
        for (ModelNames.Found f : names.modelsDirFiles()) {
            String name = names.modelsDirName(f.canonical()).orElse(f.canonical());
            out.putIfAbsent(name, Model.of(name, listedCreated, "jllm"));
        }
        for (String alias : names.aliases().all().keySet()) {
            out.putIfAbsent(alias, Model.of(alias, listedCreated, "jllm"));
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
        if (onDemand.names().find(id, false).isPresent()) {
            return Model.of(id, listedCreated, "jllm"); // served on demand: listed without loading it
        }
        Target t = routeToInstance(id); // "instance/model" and models not listed still route
        if (t == null) {
            throw new ApiException(ApiError.modelNotFound(id));
        }
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
