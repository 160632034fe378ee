package dev.jllm.providers;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.CurrentModel;
import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.LlmInfo;
import dev.jllm.api.LlmService;
import dev.jllm.api.ModelInfo;
import dev.jllm.api.ProgressListener;
import dev.jllm.api.ServiceInfo;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.EmbeddingRequest;
import dev.jllm.api.openai.EmbeddingResponse;
import dev.jllm.api.openai.Model;
import dev.jllm.api.Providers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The {@link LlmService} written once, whatever the place its instances live in: the name rules, the registry of
 * the instances that run in this process, which instance a call goes to (by name, or the current model's), the
 * default model of a request, and the lifecycle. Subclasses say where the other instances live and where the
 * current model is kept:
 * <ul>
 *   <li>{@code LlmServiceMain}: every instance runs in this process; the current model is kept here (saved in
 *       the jllm home). The "elsewhere" hooks keep their defaults: there is nothing elsewhere.</li>
 *   <li>{@code LlmServiceProxy}: the HTTP types run in this process, every engine type on a jllm server, reached
 *       through {@link RemoteInstance} handles; the current model is the server's, or the proxy's own choice of
 *       an in-process model (which the server cannot know).</li>
 * </ul>
 * Thread-safe.
 */
public abstract class InstanceRegistry implements LlmService {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final String mode;
    private final String owner;
    private final Providers providers;
    private final InProcessInstances here;

    /**
     * A registry whose in-process instances are not saved.
     *
     * @param mode  {@link ServiceInfo#mode()}
     * @param owner what the service is called in messages ("the proxy for http://...")
     */
    protected InstanceRegistry(String mode, String owner, Providers providers) {
        this(mode, owner, providers, null);
    }

    /** With a store: the in-process instances are saved there and made again now. */
    InstanceRegistry(String mode, String owner, Providers providers, InstanceStore store) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.providers = Objects.requireNonNull(providers, "providers");
        this.here = new InProcessInstances(store);
        here.restore(providers);
    }

    // ------------------------------------------------------------------ where the current model is kept

    /** The current model this service keeps itself (always on an in-process instance), if any. */
    protected abstract Optional<CurrentModel> ownCurrent();

    /** Makes an in-process model, already checked, the current one. */
    protected abstract void setOwnCurrent(CurrentModel next);

    /** Clears the current model this service keeps itself if it matches. */
    protected abstract void clearOwnCurrentIf(Predicate<CurrentModel> which);

    // ------------------------------------------------------------------ where other instances live (default: nowhere)

    /** Whether an instance of this config runs in this process; the others are created elsewhere. */
    protected boolean runsHere(LlmConfig config) {
        return true;
    }

    /** Creates an instance that does not run here; its name is reserved meanwhile. */
    protected Llm createElsewhere(String name, LlmConfig config) {
        throw new IllegalStateException("every instance runs in this process");
    }

    /** Refuses, before an in-process instance is created, a name that is used elsewhere. */
    protected void checkFreeElsewhere(String name) {
    }

    /** A user's handle on a named instance that does not run here ({@link #get}). */
    protected Llm getElsewhere(String name) {
        throw notFoundHere(name);
    }

    /**
     * A handle on a named instance that does not run here, for one call: made without asking anything, so a call
     * costs no extra round trip (an instance that does not exist fails the call itself with NOT_FOUND).
     */
    protected Llm routeElsewhere(String name) {
        return getElsewhere(name);
    }

    protected boolean hasElsewhere(String name) {
        return false;
    }

    protected boolean removeElsewhere(String name) {
        return false;
    }

    protected List<String> namesElsewhere() {
        return List.of();
    }

    /** Removes what this service made elsewhere ({@link #clear()}). */
    protected void clearElsewhere() {
    }

    /** The instances elsewhere and the current model there, or null when there is no elsewhere. */
    protected ServiceInfo infoElsewhere() {
        return null;
    }

    /** The current model when this service keeps none itself. */
    protected Optional<CurrentModel> currentElsewhere() {
        return Optional.empty();
    }

    /** Makes a model of an instance that does not run here the current one. */
    protected CurrentModel setCurrentElsewhere(String modelId, String provider, String serviceName) {
        throw notFoundHere(serviceName);
    }

    /**
     * The instance serving the current model when this service keeps none itself; a {@link RemoteInstance} fills
     * in the model.
     */
    protected Llm currentInstanceElsewhere() {
        throw LlmException.invalid("no current model is set: set one first or name an instance");
    }

    /** Stops the work elsewhere ({@link #close()}), after the in-process instances were closed. */
    protected void closeElsewhere() {
    }

    // ------------------------------------------------------------------ instances

    /** Creates an instance (one of an in-process type is saved where this service saves its instances). */
    @Override
    public Llm create(String name, LlmConfig config) {
        return create(name, config, true);
    }

    /** @param save whether an in-process instance is saved (see {@code LlmServiceMain.createUnsaved}) */
    protected final Llm create(String name, LlmConfig config, boolean save) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw LlmException.invalid("invalid instance name '" + name + "': use 1-64 letters, digits, '.', '_'"
                    + " or '-', starting with a letter or digit");
        }
        Objects.requireNonNull(config, "config");
        ensureOpen();
        boolean inProcess = runsHere(config);
        if (inProcess) {
            providers.factory(config.type()); // an unknown type fails before anything is reserved
        }
        here.reserve(name);
        try {
            if (!inProcess) {
                return createElsewhere(name, config);
            }
            checkFreeElsewhere(name);
            Llm llm = providers.create(name, config);
            here.add(llm, config, save, owner);
            return llm;
        } finally {
            here.release(name);
        }
    }

    @Override
    public Llm get(String name) {
        ensureOpen();
        return here.find(name).orElseGet(() -> getElsewhere(name));
    }

    @Override
    public boolean has(String name) {
        ensureOpen();
        return name != null && (here.find(name).isPresent() || hasElsewhere(name));
    }

    @Override
    public boolean remove(String name) {
        ensureOpen();
        Optional<Llm> llm = here.remove(name);
        if (llm.isPresent()) {
            InProcessInstances.closeQuietly(llm.get());
            clearOwnCurrentIf(c -> c.serviceName().equals(name));
            return true;
        }
        return name != null && removeElsewhere(name);
    }

    @Override
    public List<String> list() {
        ensureOpen();
        TreeSet<String> names = new TreeSet<>(namesElsewhere());
        names.addAll(here.names());
        return List.copyOf(names);
    }

    /** Removes the in-process instances and what this service made elsewhere, and its own current model. */
    @Override
    public void clear() {
        ensureOpen();
        here.removeAll();
        clearOwnCurrentIf(c -> true);
        clearElsewhere();
    }

    /** The in-process instance of this name, if there is one. */
    protected final Optional<Llm> inProcess(String name) {
        return here.find(name);
    }

    // ------------------------------------------------------------------ current model

    @Override
    public Optional<CurrentModel> currentModel() {
        ensureOpen();
        Optional<CurrentModel> own = ownCurrent();
        return own.isPresent() ? own : currentElsewhere();
    }

    @Override
    public CurrentModel setCurrentModel(String modelId, String provider, String serviceName) {
        ensureOpen();
        if (modelId == null || modelId.isBlank()) {
            throw LlmException.invalid("a model id is required");
        }
        Optional<Llm> found = here.find(serviceName);
        if (found.isEmpty()) {
            return setCurrentElsewhere(modelId, provider, serviceName);
        }
        Llm llm = found.get();
        if (provider != null && !provider.isBlank() && !provider.equals(llm.type())) {
            throw LlmException.invalid("instance '" + serviceName + "' is of type '" + llm.type() + "', not '"
                    + provider + "'");
        }
        if (!modelExists(llm, modelId)) {
            throw LlmException.notFound("instance '" + serviceName + "' has no model '" + modelId + "'");
        }
        CurrentModel next = new CurrentModel(modelId, llm.type(), serviceName);
        setOwnCurrent(next);
        return next;
    }

    /** Whether the instance has the model; an instance that cannot tell now (upstream down) is believed. */
    protected static boolean modelExists(Llm llm, String modelId) {
        try {
            return llm.hasModel(modelId);
        } catch (LlmException e) {
            return true;
        }
    }

    // ------------------------------------------------------------------ status

    /** Whether a current model is set and its instance answers; false too when that cannot be found out. */
    @Override
    public boolean isReady() {
        ensureOpen();
        try {
            return current().llm().isReady();
        } catch (LlmException e) {
            return false;
        }
    }

    @Override
    public boolean isReady(String name) {
        Llm llm = route(name);
        return llm instanceof RemoteInstance remote ? remote.isReadyThere() : llm.isReady();
    }

    /** The instances here and elsewhere, sorted by name. */
    @Override
    public ServiceInfo info() {
        ensureOpen();
        ServiceInfo there = infoElsewhere();
        List<LlmInfo> all = new ArrayList<>(there == null ? List.of() : there.instances());
        all.addAll(here.infos());
        all.sort(Comparator.comparing(LlmInfo::name));
        CurrentModel c = ownCurrent().orElse(there == null ? null : there.currentModel());
        return new ServiceInfo(mode, c, all);
    }

    @Override
    public LlmInfo info(String name) {
        return route(name).info();
    }

    @Override
    public List<Model> models() {
        return current().llm().models();
    }

    @Override
    public List<Model> models(String name) {
        return route(name).models();
    }

    // ------------------------------------------------------------------ chat and embeddings

    @Override
    public ChatCompletion chatCompletion(ChatCompletionRequest request) {
        return onCurrent(request, Llm::chatCompletion);
    }

    @Override
    public ChatCompletion chatCompletion(String name, ChatCompletionRequest request) {
        return onNamed(name, request, Llm::chatCompletion);
    }

    @Override
    public ChatCompletionStream chatCompletionStream(ChatCompletionRequest request) {
        return onCurrent(request, Llm::chatCompletionStream);
    }

    @Override
    public ChatCompletionStream chatCompletionStream(String name, ChatCompletionRequest request) {
        return onNamed(name, request, Llm::chatCompletionStream);
    }

    @Override
    public EmbeddingResponse embeddings(String name, EmbeddingRequest request) {
        return route(name).embeddings(request);
    }

    // ------------------------------------------------------------------ model lifecycle

    @Override
    public ModelInfo serve(String model, ProgressListener progress) {
        return ServedModels.serve(current().llm(), model, progress);
    }

    @Override
    public ModelInfo serve(String name, String model, ProgressListener progress) {
        return ServedModels.serve(route(name), model, progress);
    }

    @Override
    public void unload(String model) {
        current().llm().unload(model);
    }

    @Override
    public void unload(String name, String model) {
        route(name).unload(model);
    }

    @Override
    public void deleteModel(String model) {
        current().llm().deleteModel(model);
    }

    @Override
    public void deleteModel(String name, String model) {
        route(name).deleteModel(model);
    }

    /** Closes the in-process instances, then the work elsewhere; their saved configs and the current model stay. */
    @Override
    public void close() {
        if (here.close()) {
            closeElsewhere();
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The instance a call naming {@code name} goes to. */
    private Llm route(String name) {
        ensureOpen();
        return here.find(name).orElseGet(() -> routeElsewhere(name));
    }

    /** Where the calls without an instance name go: the current model's instance, and the model to fill in. */
    private Target current() {
        ensureOpen();
        Optional<CurrentModel> own = ownCurrent();
        if (own.isEmpty()) {
            return new Target(currentInstanceElsewhere(), null);
        }
        CurrentModel c = own.get();
        Llm llm = here.find(c.serviceName()).orElseThrow(() -> LlmException.notFound("the current model '"
                + c.modelId() + "' is served by instance '" + c.serviceName() + "', which does not exist"));
        return new Target(llm, c.modelId());
    }

    /** @param model the model a request without one gets; null where the instance fills it in itself */
    private record Target(Llm llm, String model) {

        ChatCompletionRequest withModel(ChatCompletionRequest r) {
            Objects.requireNonNull(r, "request");
            return model == null || r.model() != null && !r.model().isBlank() ? r : r.withModel(model);
        }
    }

    /** A chat call naming no instance: to the current model's instance, that model filled in. */
    private <R> R onCurrent(ChatCompletionRequest request, BiFunction<Llm, ChatCompletionRequest, R> call) {
        Target t = current();
        return call.apply(t.llm(), t.withModel(request));
    }

    /** A chat call to the named instance, the model filled in as {@link #withDefaultModel} says. */
    private <R> R onNamed(String name, ChatCompletionRequest request, BiFunction<Llm, ChatCompletionRequest, R> call) {
        Llm llm = route(name);
        return call.apply(llm, withDefaultModel(name, llm, request));
    }

    /**
     * A request naming no model gets the current model when it is on that instance; a remote instance fills it
     * in itself unless this service keeps its own current model (which the remote side does not know).
     */
    private ChatCompletionRequest withDefaultModel(String name, Llm llm, ChatCompletionRequest r) {
        Objects.requireNonNull(r, "request");
        if (r.model() != null && !r.model().isBlank()) {
            return r;
        }
        Optional<CurrentModel> own = ownCurrent();
        if (own.isPresent() && own.get().serviceName().equals(name)) {
            return r.withModel(own.get().modelId());
        }
        if (own.isEmpty() && llm instanceof RemoteInstance) {
            return r;
        }
        throw LlmException.invalid("the request names no model and instance '" + name
                + "' does not serve the current model");
    }

    /** NOT_FOUND for a name no in-process instance has, listing the ones there are. */
    protected final LlmException notFoundHere(String name) {
        List<String> names = here.names();
        return LlmException.notFound("no instance named '" + name + "'"
                + (names.isEmpty() ? "; none exist" : "; existing: " + String.join(", ", names)));
    }

    protected final boolean isClosed() {
        return here.closed();
    }

    /** @throws LlmException UNAVAILABLE once this service is closed */
    protected final void ensureOpen() {
        if (here.closed()) {
            throw new LlmException(Kind.UNAVAILABLE, owner + " is closed");
        }
    }
}
