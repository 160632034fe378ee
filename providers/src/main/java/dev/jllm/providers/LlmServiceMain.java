package dev.jllm.providers;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.CurrentModel;
import dev.jllm.api.CurrentModelListener;
import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.LlmInfo;
import dev.jllm.api.LlmService;
import dev.jllm.api.ModelInfo;
import dev.jllm.api.ProgressListener;
import dev.jllm.api.ServiceInfo;
import dev.jllm.api.Subscription;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.Model;
import dev.jllm.api.Providers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * The in-process {@link LlmService}: a thread-safe registry of named instances made by the provider factories
 * found through the SPI, plus the current model, persisted in the jllm home directory so it survives restarts.
 *
 * <p>Instances are created outside the registry lock (a local instance may load a model for a while); the name is
 * reserved meanwhile so two creations of one name cannot both succeed. Current-model changes are serialized and
 * listeners are told in order, each isolated from the others' failures.
 */
public final class LlmServiceMain implements LlmService {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final System.Logger LOG = System.getLogger(LlmServiceMain.class.getName());

    private final Providers providers;
    private final CurrentModelStore store;
    /** The instances made through {@link #create}, persisted; guarded by registryLock. */
    private final InstanceStore instanceStore;

    private final Object registryLock = new Object();
    private final Map<String, Llm> instances = new TreeMap<>();
    private final Set<String> reserved = new HashSet<>();
    private boolean closed;

    private final ReentrantLock currentLock = new ReentrantLock();
    private volatile Optional<CurrentModel> current;
    private final List<CurrentModelListener> listeners = new CopyOnWriteArrayList<>();

    /** State in {@link JllmHome#resolve()}, instance types from the class path. */
    public LlmServiceMain() {
        this(JllmHome.resolve());
    }

    /** State in the given directory (created when first written), instance types from the class path. */
    public LlmServiceMain(Path home) {
        this(home, Providers.load());
    }

    public LlmServiceMain(Path home, Providers providers) {
        this.providers = Objects.requireNonNull(providers, "providers");
        this.store = new CurrentModelStore(Objects.requireNonNull(home, "home"));
        this.instanceStore = new InstanceStore(home);
        restoreInstances();
        this.current = validSaved(store.load());
    }

    /**
     * Creates the saved instances again, in the order they were made. One that cannot be created now (its model
     * file is gone, say) is skipped with a warning but stays saved, so a passing problem loses no configuration.
     */
    private void restoreInstances() {
        instanceStore.load().forEach((name, config) -> {
            try {
                Llm llm = providers.create(name, config);
                synchronized (registryLock) {
                    instances.put(name, llm);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot restore saved instance '" + name + "' ("
                        + config.type() + "): " + e.getMessage());
            }
        });
    }

    /** The saved current model if it still points at something; otherwise none (and the file is cleared). */
    private Optional<CurrentModel> validSaved(Optional<CurrentModel> saved) {
        if (saved.isEmpty()) {
            return saved;
        }
        CurrentModel c = saved.get();
        Llm llm;
        synchronized (registryLock) {
            llm = instances.get(c.serviceName());
        }
        String problem = llm == null ? "its instance '" + c.serviceName() + "' does not exist"
                : !modelExists(llm, c.modelId()) ? "instance '" + c.serviceName() + "' has no model '" + c.modelId()
                + "'" : null;
        if (problem == null) {
            return saved;
        }
        LOG.log(System.Logger.Level.WARNING, "the saved current model '" + c.modelId() + "' is dropped: " + problem);
        store.clear();
        return Optional.empty();
    }

    /** Whether the instance has the model; an instance that cannot tell now (upstream down) is believed. */
    private static boolean modelExists(Llm llm, String modelId) {
        try {
            return llm.hasModel(modelId);
        } catch (LlmException e) {
            return true;
        }
    }

    /** The instance types this service can create. */
    public Set<String> types() {
        return providers.types();
    }

    // ------------------------------------------------------------------ instances

    /** Creates an instance and saves its config in the jllm home, so that it comes back after a restart. */
    @Override
    public Llm create(String name, LlmConfig config) {
        return create(name, config, true);
    }

    /**
     * Creates an instance that is not saved: one a server makes from its command line each time it starts
     * ({@code jllm serve --model}), which a saved copy would only collide with.
     */
    public Llm createUnsaved(String name, LlmConfig config) {
        return create(name, config, false);
    }

    private Llm create(String name, LlmConfig config, boolean save) {
        checkName(name);
        Objects.requireNonNull(config, "config");
        providers.factory(config.type()); // unknown type: fail before reserving anything
        synchronized (registryLock) {
            ensureOpen();
            if (instances.containsKey(name) || reserved.contains(name)) {
                throw new LlmException(Kind.CONFLICT, "an instance named '" + name + "' already exists");
            }
            reserved.add(name);
        }
        Llm llm;
        try {
            llm = providers.create(name, config);
        } catch (RuntimeException e) {
            synchronized (registryLock) {
                reserved.remove(name);
            }
            throw e;
        }
        synchronized (registryLock) {
            reserved.remove(name);
            if (!closed) {
                if (save) {
                    try {
                        instanceStore.put(name, config);
                    } catch (LlmException e) {
                        closeQuietly(llm);
                        throw e;
                    }
                } else {
                    instanceStore.remove(name); // an unsaved instance replaces a saved one of its name
                }
                instances.put(name, llm);
                return llm;
            }
        }
        llm.close();
        throw new LlmException(Kind.UNAVAILABLE, "the service was closed while '" + name + "' was being created");
    }

    @Override
    public Llm get(String name) {
        synchronized (registryLock) {
            Llm llm = name == null ? null : instances.get(name);
            if (llm == null) {
                throw LlmException.notFound("no instance named '" + name + "'"
                        + (instances.isEmpty() ? "; none exist" : "; existing: " + String.join(", ", instances.keySet())));
            }
            return llm;
        }
    }

    @Override
    public boolean has(String name) {
        synchronized (registryLock) {
            return name != null && instances.containsKey(name);
        }
    }

    @Override
    public boolean remove(String name) {
        Llm llm;
        synchronized (registryLock) {
            llm = name == null ? null : instances.remove(name);
            if (llm != null) {
                instanceStore.remove(name);
            }
        }
        if (llm == null) {
            return false;
        }
        closeQuietly(llm);
        currentLock.lock();
        try {
            if (current.isPresent() && current.get().serviceName().equals(name)) {
                change(Optional.empty());
            }
        } finally {
            currentLock.unlock();
        }
        return true;
    }

    @Override
    public List<String> list() {
        synchronized (registryLock) {
            return List.copyOf(instances.keySet());
        }
    }

    @Override
    public void clear() {
        List<Llm> all;
        synchronized (registryLock) {
            all = new ArrayList<>(instances.values());
            instances.clear();
            instanceStore.clear();
        }
        all.forEach(LlmServiceMain::closeQuietly);
        clearCurrentModel();
    }

    // ------------------------------------------------------------------ current model

    @Override
    public Optional<CurrentModel> currentModel() {
        return current;
    }

    @Override
    public CurrentModel setCurrentModel(String modelId, String provider, String serviceName) {
        if (modelId == null || modelId.isBlank()) {
            throw LlmException.invalid("a model id is required");
        }
        Llm llm = get(serviceName);
        if (provider != null && !provider.isBlank() && !provider.equals(llm.type())) {
            throw LlmException.invalid("instance '" + serviceName + "' is of type '" + llm.type() + "', not '"
                    + provider + "'");
        }
        if (!modelExists(llm, modelId)) {
            throw LlmException.notFound("instance '" + serviceName + "' has no model '" + modelId + "'");
        }
        CurrentModel next = new CurrentModel(modelId, llm.type(), serviceName);
        currentLock.lock();
        try {
            if (!current.equals(Optional.of(next))) {
                change(Optional.of(next));
            }
        } finally {
            currentLock.unlock();
        }
        return next;
    }

    @Override
    public void clearCurrentModel() {
        currentLock.lock();
        try {
            if (current.isPresent()) {
                change(Optional.empty());
            }
        } finally {
            currentLock.unlock();
        }
    }

    /** Persists first, so listeners never hear of a change that a restart would lose. Holds currentLock. */
    private void change(Optional<CurrentModel> next) {
        if (next.isPresent()) {
            store.save(next.get());
        } else {
            store.clear();
        }
        Optional<CurrentModel> previous = current;
        current = next;
        for (CurrentModelListener l : listeners) {
            try {
                l.changed(previous, next);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "a current-model listener failed", e);
            }
        }
    }

    @Override
    public Subscription onCurrentModelChange(CurrentModelListener listener) {
        Objects.requireNonNull(listener, "listener");
        // A wrapper per subscription, so the same listener added twice is removed once per handle.
        CurrentModelListener entry = listener::changed;
        listeners.add(entry);
        return () -> listeners.remove(entry);
    }

    // ------------------------------------------------------------------ status

    @Override
    public boolean isReady() {
        Optional<CurrentModel> c = current;
        if (c.isEmpty()) {
            return false;
        }
        Llm llm;
        synchronized (registryLock) {
            llm = instances.get(c.get().serviceName());
        }
        return llm != null && llm.isReady();
    }

    @Override
    public boolean isReady(String name) {
        return get(name).isReady();
    }

    @Override
    public ServiceInfo info() {
        List<Llm> all;
        synchronized (registryLock) {
            all = List.copyOf(instances.values());
        }
        List<LlmInfo> infos = new ArrayList<>();
        for (Llm llm : all) {
            try {
                infos.add(llm.info());
            } catch (RuntimeException e) {
                infos.add(new LlmInfo(llm.name(), llm.type(), false, "", List.of(),
                        Map.of("error", String.valueOf(e.getMessage()))));
            }
        }
        return new ServiceInfo("main", current.orElse(null), infos);
    }

    @Override
    public LlmInfo info(String name) {
        return get(name).info();
    }

    @Override
    public List<Model> models() {
        return currentInstance().models();
    }

    @Override
    public List<Model> models(String name) {
        return get(name).models();
    }

    // ------------------------------------------------------------------ chat

    @Override
    public ChatCompletion chatCompletion(ChatCompletionRequest request) {
        CurrentModel c = requireCurrent();
        return instanceOf(c).chatCompletion(withModel(request, c.modelId()));
    }

    @Override
    public ChatCompletion chatCompletion(String name, ChatCompletionRequest request) {
        Llm llm = get(name);
        return llm.chatCompletion(withDefaultModel(name, request));
    }

    @Override
    public ChatCompletionStream chatCompletionStream(ChatCompletionRequest request) {
        CurrentModel c = requireCurrent();
        return instanceOf(c).chatCompletionStream(withModel(request, c.modelId()));
    }

    @Override
    public ChatCompletionStream chatCompletionStream(String name, ChatCompletionRequest request) {
        Llm llm = get(name);
        return llm.chatCompletionStream(withDefaultModel(name, request));
    }

    // ------------------------------------------------------------------ model lifecycle

    @Override
    public ModelInfo serve(String model, ProgressListener progress) {
        return ServedModels.serve(currentInstance(), model, orIgnore(progress));
    }

    @Override
    public ModelInfo serve(String name, String model, ProgressListener progress) {
        return ServedModels.serve(get(name), model, orIgnore(progress));
    }

    /** Callers may pass no listener; instances always get one. */
    private static ProgressListener orIgnore(ProgressListener progress) {
        return progress != null ? progress : event -> { };
    }

    @Override
    public void unload(String model) {
        currentInstance().unload(model);
    }

    @Override
    public void unload(String name, String model) {
        get(name).unload(model);
    }

    @Override
    public void deleteModel(String model) {
        currentInstance().deleteModel(model);
    }

    @Override
    public void deleteModel(String name, String model) {
        get(name).deleteModel(model);
    }

    @Override
    public void close() {
        List<Llm> all;
        synchronized (registryLock) {
            closed = true;
            all = new ArrayList<>(instances.values());
            instances.clear();
        }
        all.forEach(LlmServiceMain::closeQuietly);
    }

    // ------------------------------------------------------------------ helpers

    private CurrentModel requireCurrent() {
        return current.orElseThrow(() -> LlmException.invalid(
                "no current model is set: set one first or name an instance"));
    }

    private Llm currentInstance() {
        return instanceOf(requireCurrent());
    }

    private Llm instanceOf(CurrentModel c) {
        synchronized (registryLock) {
            Llm llm = instances.get(c.serviceName());
            if (llm == null) {
                throw LlmException.notFound("the current model '" + c.modelId() + "' is served by instance '"
                        + c.serviceName() + "', which does not exist");
            }
            return llm;
        }
    }

    private static ChatCompletionRequest withModel(ChatCompletionRequest r, String model) {
        Objects.requireNonNull(r, "request");
        return r.model() == null || r.model().isBlank() ? r.withModel(model) : r;
    }

    private ChatCompletionRequest withDefaultModel(String name, ChatCompletionRequest r) {
        Objects.requireNonNull(r, "request");
        if (r.model() != null && !r.model().isBlank()) {
            return r;
        }
        Optional<CurrentModel> c = current;
        if (c.isPresent() && c.get().serviceName().equals(name)) {
            return r.withModel(c.get().modelId());
        }
        throw LlmException.invalid("the request names no model and instance '" + name
                + "' does not serve the current model");
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw LlmException.invalid("invalid instance name '" + name + "': use 1-64 letters, digits, '.', '_'"
                    + " or '-', starting with a letter or digit");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new LlmException(Kind.UNAVAILABLE, "the service is closed");
        }
    }

    private static void closeQuietly(Llm llm) {
        try {
            llm.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing instance '" + llm.name() + "' failed", e);
        }
    }
}
