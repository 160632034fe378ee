package dev.jllm.proxy;

import dev.jllm.api.Llm;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The instances that run inside the proxy (openai, ollama, lmstudio), by name, plus the names being created right
 * now (in the proxy or on the server), so that two creations of one name through this proxy cannot both succeed.
 * Thread-safe.
 */
final class InProxyInstances {

    private final Map<String, Llm> instances = new TreeMap<>();
    private final Set<String> reserved = new HashSet<>();

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

    /** Registers an instance whose name was reserved. */
    synchronized void add(Llm llm) {
        reserved.remove(llm.name());
        instances.put(llm.name(), llm);
    }

    synchronized Optional<Llm> get(String name) {
        return Optional.ofNullable(name == null ? null : instances.get(name));
    }

    synchronized Optional<Llm> remove(String name) {
        return Optional.ofNullable(name == null ? null : instances.remove(name));
    }

    synchronized List<String> names() {
        return List.copyOf(instances.keySet());
    }

    synchronized List<Llm> all() {
        return List.copyOf(instances.values());
    }

    /** Empties the registry and hands back what it held (to be closed outside the lock). */
    synchronized List<Llm> removeAll() {
        List<Llm> all = new ArrayList<>(instances.values());
        instances.clear();
        return all;
    }
}
