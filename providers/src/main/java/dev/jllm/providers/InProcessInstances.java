package dev.jllm.providers;

import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.LlmInfo;
import dev.jllm.api.Providers;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The instances that run in this process, by name, plus the names being created right now (here or elsewhere),
 * so that two creations of one name cannot both succeed, and whether the owning service is closed. With a store,
 * every change of the set is saved under the same lock, so the file always matches the registry. Thread-safe;
 * instances are created and closed outside the lock (a local instance may load a model for a while).
 */
final class InProcessInstances {

    private static final System.Logger LOG = System.getLogger(InProcessInstances.class.getName());

    private final Map<String, Llm> instances = new TreeMap<>();
    private final Set<String> reserved = new HashSet<>();
    /** Null when this registry's instances are not saved (a proxy's). */
    private final InstanceStore store;
    private boolean closed;

    InProcessInstances(InstanceStore store) {
        this.store = store;
    }

    /**
     * Creates the saved instances again, in the order they were made. One that cannot be created now (its model
     * file is gone, say) is skipped with a warning but stays saved, so a passing problem loses no configuration.
     */
    void restore(Providers providers) {
        if (store == null) {
            return;
        }
        store.load().forEach((name, config) -> {
            try {
                Llm llm = providers.create(name, config);
                synchronized (this) {
                    instances.put(name, llm);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot restore saved instance '" + name + "' ("
                        + config.type() + "): " + e.getMessage());
            }
        });
    }

    /** @throws LlmException CONFLICT if the name is in use here or being created */
    synchronized void reserve(String name) {
        if (instances.containsKey(name) || reserved.contains(name)) {
            throw new LlmException(Kind.CONFLICT, "an instance named '" + name + "' already exists");
        }
        reserved.add(name);
    }

    synchronized void release(String name) {
        reserved.remove(name);
    }

    /**
     * Registers an instance whose name was reserved (and saves its config when asked; an unsaved one replaces a
     * saved one of its name). Closes it and throws when it cannot be kept.
     *
     * @param owner what owns the registry, for the message when it was closed meanwhile
     * @throws LlmException UNAVAILABLE when the registry was closed meanwhile, or the store's error
     */
    void add(Llm llm, LlmConfig config, boolean save, String owner) {
        synchronized (this) {
            reserved.remove(llm.name());
            if (!closed) {
                try {
                    if (store != null && save) {
                        store.put(llm.name(), config);
                    } else if (store != null) {
                        store.remove(llm.name());
                    }
                    instances.put(llm.name(), llm);
                    return;
                } catch (LlmException e) {
                    closeQuietly(llm);
                    throw e;
                }
            }
        }
        closeQuietly(llm);
        throw new LlmException(Kind.UNAVAILABLE, owner + " was closed while '" + llm.name() + "' was being created");
    }

    synchronized Optional<Llm> find(String name) {
        return Optional.ofNullable(name == null ? null : instances.get(name));
    }

    /** Unregisters (and forgets the saved config of) an instance; the caller closes it. */
    synchronized Optional<Llm> remove(String name) {
        Llm llm = name == null ? null : instances.remove(name);
        if (llm != null && store != null) {
            store.remove(name);
        }
        return Optional.ofNullable(llm);
    }

    synchronized List<String> names() {
        return List.copyOf(instances.keySet());
    }

    /** Each instance's info; one that fails to tell is listed as not ready with the error. */
    List<LlmInfo> infos() {
        List<Llm> all;
        synchronized (this) {
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
        return infos;
    }

    /** Unregisters every instance (and forgets the saved ones); closes them outside the lock. */
    void removeAll() {
        List<Llm> all;
        synchronized (this) {
            all = new ArrayList<>(instances.values());
            instances.clear();
            if (store != null) {
                store.clear();
            }
        }
        all.forEach(InProcessInstances::closeQuietly);
    }

    synchronized boolean closed() {
        return closed;
    }

    /**
     * Marks the registry closed and closes every instance (their configs stay saved).
     *
     * @return false if it was closed already
     */
    boolean close() {
        List<Llm> all;
        synchronized (this) {
            if (closed) {
                return false;
            }
            closed = true;
            all = new ArrayList<>(instances.values());
            instances.clear();
        }
        all.forEach(InProcessInstances::closeQuietly);
        return true;
    }

    static void closeQuietly(Llm llm) {
        try {
            llm.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing instance '" + llm.name() + "' failed", e);
        }
    }
}
