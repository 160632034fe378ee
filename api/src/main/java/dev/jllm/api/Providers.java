package dev.jllm.api;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** The provider factories available, by type. Immutable. */
public final class Providers {

    private final Map<String, LlmProviderFactory> byType;

    private Providers(Map<String, LlmProviderFactory> byType) {
        this.byType = Collections.unmodifiableMap(byType);
    }

    /** The factories on the class path of this class's loader (and the thread's context loader, if different). */
    public static Providers load() {
        ClassLoader ctx = Thread.currentThread().getContextClassLoader();
        ClassLoader own = Providers.class.getClassLoader();
        Map<String, LlmProviderFactory> found = new TreeMap<>();
        addAll(found, ServiceLoader.load(LlmProviderFactory.class, own));
        if (ctx != null && ctx != own) {
            for (LlmProviderFactory f : ServiceLoader.load(LlmProviderFactory.class, ctx)) {
                // The same provider seen through two loaders is one provider, not a clash.
                found.putIfAbsent(f.type(), f);
            }
        }
        return new Providers(found);
    }

    /** The factories found by the given loader. */
    public static Providers load(ClassLoader loader) {
        Map<String, LlmProviderFactory> found = new TreeMap<>();
        addAll(found, ServiceLoader.load(LlmProviderFactory.class, loader));
        return new Providers(found);
    }

    /** Exactly the given factories. */
    public static Providers of(Collection<? extends LlmProviderFactory> factories) {
        Map<String, LlmProviderFactory> found = new TreeMap<>();
        addAll(found, factories);
        return new Providers(found);
    }

    private static void addAll(Map<String, LlmProviderFactory> into, Iterable<? extends LlmProviderFactory> fs) {
        for (LlmProviderFactory f : fs) {
            String type = Objects.requireNonNull(f.type(), () -> f.getClass().getName() + ".type() is null");
            LlmProviderFactory prev = into.putIfAbsent(type, f);
            if (prev != null && prev.getClass() != f.getClass()) {
                throw new LlmException(LlmException.Kind.INTERNAL, "two providers for instance type '" + type
                        + "': " + prev.getClass().getName() + " and " + f.getClass().getName());
            }
        }
    }

    /** The available types, sorted. */
    public SortedSet<String> types() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(byType.keySet()));
    }

    public boolean supports(String type) {
        return type != null && byType.containsKey(type);
    }

    /** @throws LlmException INVALID_REQUEST "unknown instance type 'x'; available: ..." */
    public LlmProviderFactory factory(String type) {
        LlmProviderFactory f = type == null ? null : byType.get(type);
        if (f == null) {
            throw LlmException.invalid("unknown instance type '" + type + "'; available: "
                    + (byType.isEmpty() ? "none" : String.join(", ", byType.keySet())));
        }
        return f;
    }

    /** Creates an instance with the factory for the config's type. */
    public Llm create(String name, LlmConfig config) {
        Objects.requireNonNull(config, "config");
        Llm llm = factory(config.type()).create(name, config);
        if (llm == null) {
            throw new LlmException(LlmException.Kind.INTERNAL, "the provider for '" + config.type()
                    + "' returned no instance");
        }
        return llm;
    }
}
