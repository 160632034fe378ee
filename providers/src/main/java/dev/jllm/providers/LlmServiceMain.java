package dev.jllm.providers;

import dev.jllm.api.CurrentModel;
import dev.jllm.api.CurrentModelListener;
import dev.jllm.api.JllmHome;
import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.Subscription;
import dev.jllm.api.LlmServiceFactory;
import dev.jllm.api.Providers;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The in-process {@link dev.jllm.api.LlmService}: every instance runs in this JVM, made by the provider factories
 * found through the SPI ({@link InstanceRegistry} holds the rules shared with the proxy). The instances created
 * through it and the current model are saved in the jllm home, so they survive restarts.
 *
 * <p>Current-model changes are serialized, saved before listeners hear of them, and listeners are told in order,
 * each isolated from the others' failures.
 */
public final class LlmServiceMain extends InstanceRegistry {

    private static final System.Logger LOG = System.getLogger(LlmServiceMain.class.getName());

    private final Providers providers;
    private final CurrentModelStore store;
    private final ReentrantLock currentLock = new ReentrantLock();
    private volatile Optional<CurrentModel> current;
    private final CurrentModelListeners listeners = new CurrentModelListeners();

    /** State in {@link JllmHome#resolve()}, instance types from the class path. */
    public LlmServiceMain() {
        this(JllmHome.resolve().dir());
    }

    /** State in the given directory (created when first written), instance types from the class path. */
    public LlmServiceMain(Path home) {
        this(home, Providers.load());
    }

    public LlmServiceMain(Path home, Providers providers) {
        this(new JllmHome(Objects.requireNonNull(home, "home")), providers);
    }

    private LlmServiceMain(JllmHome home, Providers providers) {
        super(LlmServiceFactory.MAIN, "the service", providers, new InstanceStore(home));
        this.providers = providers;
        this.store = new CurrentModelStore(home);
        this.current = validSaved(store.load());
    }

    /** The saved current model if it still points at something; otherwise none (and the file is cleared). */
    private Optional<CurrentModel> validSaved(Optional<CurrentModel> saved) {
        if (saved.isEmpty()) {
            return saved;
        }
        CurrentModel c = saved.get();
        Optional<Llm> llm = inProcess(c.serviceName());
        String problem = llm.isEmpty() ? "its instance '" + c.serviceName() + "' does not exist"
                : !modelExists(llm.get(), c.modelId()) ? "instance '" + c.serviceName() + "' has no model '"
                + c.modelId() + "'" : null;
        if (problem == null) {
            return saved;
        }
        LOG.log(System.Logger.Level.WARNING, "the saved current model '" + c.modelId() + "' is dropped: " + problem);
        store.clear();
        return Optional.empty();
    }

    /** The instance types this service can create. */
    public Set<String> types() {
        return providers.types();
    }

    /**
     * Creates an instance that is not saved: one a server makes from its command line each time it starts
     * ({@code jllm serve --model}), which a saved copy would only collide with.
     */
    public Llm createUnsaved(String name, LlmConfig config) {
        return create(name, config, false);
    }

    // ------------------------------------------------------------------ current model

    @Override
    protected Optional<CurrentModel> ownCurrent() {
        return current;
    }

    @Override
    protected void setOwnCurrent(CurrentModel next) {
        currentLock.lock();
        try {
            if (!current.equals(Optional.of(next))) {
                change(Optional.of(next));
            }
        } finally {
            currentLock.unlock();
        }
    }

    @Override
    protected void clearOwnCurrentIf(Predicate<CurrentModel> which) {
        currentLock.lock();
        try {
            if (current.isPresent() && which.test(current.get())) {
                change(Optional.empty());
            }
        } finally {
            currentLock.unlock();
        }
    }

    @Override
    public void clearCurrentModel() {
        clearOwnCurrentIf(c -> true);
    }

    /** Saves first, so listeners never hear of a change that a restart would lose. Holds currentLock. */
    private void change(Optional<CurrentModel> next) {
        if (next.isPresent()) {
            store.save(next.get());
        } else {
            store.clear();
        }
        Optional<CurrentModel> previous = current;
        current = next;
        listeners.tell(previous, next);
    }

    @Override
    public Subscription onCurrentModelChange(CurrentModelListener listener) {
        return listeners.add(listener);
    }
}
