package dev.jllm.server.ondemand;

import dev.jllm.api.LlmException;
import dev.jllm.api.LlmService;
import dev.jllm.api.LocalConfig;
import dev.jllm.models.hf.HubException;
import dev.jllm.models.store.StoredModel;
import dev.jllm.server.admission.GenerationSlots;
import dev.jllm.server.config.OnDemandConfig;
import dev.jllm.server.config.ServerConfig;
import dev.jllm.server.metrics.Metrics;
import dev.jllm.server.openai.ApiError;
import dev.jllm.server.openai.ApiException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models of the server, by canonical name: the pinned ones ({@code --model}, never unloaded) and those loaded
 * on demand, each into a {@code local} instance of its own. A model named by a request is loaded on first use
 * (one load at a time; requests for loaded models never wait for it), stays while requests use it and for its
 * keep-alive after the last one, and is evicted least recently used first when a new one needs room within
 * {@code --max-loaded} and {@code --memory-budget}. A model in use is never evicted or expired.
 */
public final class OnDemandModels implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(OnDemandModels.class.getName());
    /** An Ollama "forever": the largest duration Go can hold, which Ollama reports as the expiry. */
    private static final Duration FOREVER = Duration.ofNanos(Long.MAX_VALUE);

    /** A loaded model as {@code /api/ps} shows it. */
    public record Loaded(String canonical, String instance, long size, int contextSize, boolean pinned,
                         Instant expiresAt, long loadNanos) { }

    private static final class Entry {
        final String canonical;
        final String instance;
        final long size;
        final int contextSize;
        final boolean pinned;
        final AtomicInteger users = new AtomicInteger();
        volatile long lastUsedNanos = System.nanoTime();
        volatile Duration keepAlive;
        volatile Instant expiresAt;

        Entry(String canonical, String instance, long size, int contextSize, boolean pinned, Duration keepAlive) {
            this.canonical = canonical;
            this.instance = instance;
            this.size = size;
            this.contextSize = contextSize;
            this.pinned = pinned;
            setKeepAlive(keepAlive);
        }

        void setKeepAlive(Duration k) {
            keepAlive = k;
            lastUsedNanos = System.nanoTime();
            expiresAt = pinned || k.isNegative() ? Instant.now().plus(FOREVER)
                    : Instant.now().plus(k);
        }

        Loaded view(long loadNanos) {
            return new Loaded(canonical, instance, size, contextSize, pinned, expiresAt, loadNanos);
        }
    }

    private final LlmService service;
    private final ServerConfig config;
    private final GenerationSlots slots;
    private final Metrics metrics;
    private final ModelNames names;
    private final Map<String, Entry> byCanonical = new ConcurrentHashMap<>();
    private final Object loadLock = new Object();
    private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jllm-keep-alive");
        t.setDaemon(true);
        return t;
    });

    public OnDemandModels(LlmService service, ServerConfig config, GenerationSlots slots, Metrics metrics,
                          ModelNames names) {
        this.service = service;
        this.config = config;
        this.slots = slots;
        this.metrics = metrics;
        this.names = names;
    }

    public ModelNames names() {
        return names;
    }

    public OnDemandConfig settings() {
        return config.onDemand();
    }

    /** Records a pinned model ({@code --model}) so that other spellings of it reach its instance. */
    public void pin(String canonical, String instance, long size) {
        byCanonical.put(canonical, new Entry(canonical, instance, size, config.contextSize(), true,
                Duration.ofSeconds(-1)));
    }

    public Optional<Loaded> find(String canonical) {
        Entry e = byCanonical.get(canonical);
        return e == null ? Optional.empty() : Optional.of(e.view(0));
    }

    /** The loaded model an instance holds, if the instance is one of these. */
    public Optional<Loaded> byInstance(String instance) {
        return byCanonical.values().stream().filter(e -> e.instance.equals(instance)).findFirst()
                .map(e -> e.view(0));
    }

    /**
     * The model loaded and counted as in use until {@link #release}; loaded (pulled first when {@code found}
     * needs it) if it is not.
     *
     * @param numCtx the context the request wants, 0 for the server's
     */
    public Loaded acquire(ModelNames.Found found, int numCtx) {
        String canonical = found.canonical();
        Entry e = byCanonical.get(canonical);
        if (e != null && contextFits(e, numCtx) && service.has(e.instance)) {
            e.users.incrementAndGet();
            e.lastUsedNanos = System.nanoTime();
            return e.view(0);
        }
        synchronized (loadLock) {
            e = byCanonical.get(canonical);
            if (e != null && !e.pinned && !service.has(e.instance)) {
                byCanonical.remove(canonical, e); // its instance was removed through the jobs API: load it again
                e = null;
            }
            if (e != null && !contextFits(e, numCtx)) {
                if (e.pinned) {
                    throw new ApiException(ApiError.invalid("'" + canonical + "' is pinned with a context of "
                            + describeCtx(e.contextSize) + " (--ctx); num_ctx " + numCtx + " cannot be honoured",
                            "num_ctx"));
                }
                if (busy(e)) {
                    throw new ApiException(ApiError.overloaded("'" + canonical + "' is loaded with another num_ctx"
                            + " and busy; try again when its requests are done", Duration.ofSeconds(2)));
                }
                remove(e, "reloading with num_ctx " + numCtx);
                e = null;
            }
            if (e != null) {
                e.users.incrementAndGet();
                e.lastUsedNanos = System.nanoTime();
                return e.view(0);
            }
            long t0 = System.nanoTime();
            ModelNames.Found f = found.needsPull() ? pull(found.canonical()) : found;
            Entry existing = byCanonical.get(f.canonical()); // a pulled reference may name a model loaded by its canonical name
            if (existing != null && contextFits(existing, numCtx)) {
                existing.users.incrementAndGet();
                return existing.view(System.nanoTime() - t0);
            }
            if (existing != null) {
                if (existing.pinned || busy(existing)) {
                    throw new ApiException(ApiError.overloaded("'" + f.canonical() + "' is loaded with another"
                            + " num_ctx and in use; try again when its requests are done", Duration.ofSeconds(2)));
                }
                remove(existing, "reloading with num_ctx " + numCtx);
            }
            makeRoom(f.size());
            String instance = instanceName(f.canonical());
            int ctx = numCtx > 0 ? numCtx : config.contextSize();
            LOG.log(System.Logger.Level.INFO, "loading " + f.canonical() + " on demand as '" + instance + "'");
            try {
                LocalConfig local = LocalConfig.of(f.canonical()).withThreads(config.threads()).withContextSize(ctx)
                        .withKvType(config.kvType()).withParallel(config.parallel());
                // An on-demand model is the server's own doing: not an instance to bring back after a restart.
                if (service instanceof dev.jllm.providers.LlmServiceMain main) {
                    main.createUnsaved(instance, local);
                } else {
                    service.create(instance, local);
                }
            } catch (LlmException ex) {
                LOG.log(System.Logger.Level.WARNING, "cannot load " + f.canonical() + ": " + ex.getMessage());
                throw ex;
            }
            long nanos = System.nanoTime() - t0;
            metrics.modelLoadSeconds.set(nanos / 1e9, instance);
            Entry created = new Entry(f.canonical(), instance, f.size(), ctx, false, settings().keepAlive());
            created.users.incrementAndGet();
            byCanonical.put(f.canonical(), created);
            if (!f.canonical().equals(canonical)) {
                LOG.log(System.Logger.Level.DEBUG, canonical + " pulled as " + f.canonical());
            }
            return created.view(nanos);
        }
    }

    /**
     * A request is done with the model: its keep-alive starts now ({@code keepAlive} null for the server's;
     * zero unloads it at once when no other request uses it; negative keeps it loaded).
     */
    public void release(String canonical, Duration keepAlive) {
        Entry e = byCanonical.get(canonical);
        if (e == null) {
            return;
        }
        e.users.updateAndGet(n -> Math.max(0, n - 1));
        if (e.pinned) {
            return;
        }
        Duration k = keepAlive != null ? keepAlive : settings().keepAlive();
        e.setKeepAlive(k);
        if (k.isZero()) {
            expire(e);
        } else if (!k.isNegative()) {
            schedule(e, k);
        }
    }

    /**
     * Unloads a model loaded on demand now (its running generations are cancelled).
     *
     * @return false if it was not loaded
     * @throws ApiException 400 for a pinned model
     */
    public boolean unload(String canonical) {
        synchronized (loadLock) {
            Entry e = byCanonical.get(canonical);
            if (e == null) {
                return false;
            }
            if (e.pinned) {
                throw new ApiException(ApiError.invalid("'" + canonical + "' was loaded with --model and stays loaded"
                        + " until the server stops", "model"));
            }
            remove(e, "unloaded on request");
            return true;
        }
    }

    /** Every loaded model, pinned ones first, then by name. */
    public List<Loaded> loaded() {
        List<Loaded> out = new ArrayList<>();
        byCanonical.values().stream()
                .sorted(Comparator.comparing((Entry e) -> !e.pinned).thenComparing(e -> e.canonical))
                .forEach(e -> out.add(e.view(0)));
        return out;
    }

    private boolean contextFits(Entry e, int numCtx) {
        return numCtx <= 0 || numCtx == e.contextSize;
    }

    private static String describeCtx(int ctx) {
        return ctx == 0 ? "the model's own size" : ctx + " tokens";
    }

    private boolean busy(Entry e) {
        return e.users.get() > 0 || slots.active(e.instance) > 0;
    }

    private ModelNames.Found pull(String ref) {
        if (settings().pull() != OnDemandConfig.Pull.ON_REQUEST) {
            throw new ApiException(ApiError.modelNotFound(ref));
        }
        try {
            LOG.log(System.Logger.Level.INFO, "pulling " + ref + " for a request");
            StoredModel m = names.store().pull(ref, null);
            return new ModelNames.Found(m.name(), m.primaryPath(), m.size());
        } catch (HubException ex) {
            if (ex.reason() == HubException.Reason.NOT_FOUND || ex.reason() == HubException.Reason.NO_MATCH) {
                throw new ApiException(ApiError.modelNotFound(ref));
            }
            throw new LlmException(LlmException.Kind.UPSTREAM, "cannot pull " + ref + ": " + ex.getMessage(), ex);
        }
    }

    /** Evicts idle models, least recently used first, until one of {@code size} bytes fits. */
    private void makeRoom(long size) {
        OnDemandConfig s = settings();
        long budget = s.effectiveMemoryBudget();
        if (size > budget) {
            throw new ApiException(new ApiError(500, "server_error", "the model needs " + size + " bytes but the"
                    + " memory budget is " + budget + " bytes (--memory-budget)", null, "memory_budget_exceeded",
                    null));
        }
        while (true) {
            List<Entry> onDemand = byCanonical.values().stream().filter(e -> !e.pinned).toList();
            long used = onDemand.stream().mapToLong(e -> e.size).sum();
            if (onDemand.size() < s.maxLoaded() && used + size <= budget) {
                return;
            }
            Optional<Entry> victim = onDemand.stream().filter(e -> !busy(e))
                    .min(Comparator.comparingLong(e -> e.lastUsedNanos));
            if (victim.isEmpty()) {
                throw new ApiException(ApiError.overloaded(onDemand.size() + " models are loaded (--max-loaded "
                        + s.maxLoaded() + ", " + used + " of " + budget + " bytes) and all are in use; try again"
                        + " shortly", Duration.ofSeconds(2)));
            }
            remove(victim.get(), "evicted to make room");
        }
    }

    private void schedule(Entry e, Duration k) {
        long ms = Math.max(1, Math.min(k.toMillis(), TimeUnit.DAYS.toMillis(365)));
        try {
            reaper.schedule(() -> expire(e), ms + 20, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
            // closing
        }
    }

    /** Unloads {@code e} if its keep-alive has run out and nothing uses it; checks again later if it is busy. */
    private void expire(Entry e) {
        synchronized (loadLock) {
            if (byCanonical.get(e.canonical) != e || e.pinned || e.keepAlive.isNegative()) {
                return;
            }
            long idle = System.nanoTime() - e.lastUsedNanos;
            if (busy(e)) {
                if (!e.keepAlive.isZero()) {
                    e.lastUsedNanos = System.nanoTime();
                }
                schedule(e, e.keepAlive.isZero() ? Duration.ofMillis(200) : e.keepAlive);
                return;
            }
            if (idle + TimeUnit.MILLISECONDS.toNanos(5) < e.keepAlive.toNanos()) {
                schedule(e, e.keepAlive.minusNanos(idle));
                return;
            }
            remove(e, "keep-alive of " + e.keepAlive + " ran out");
        }
    }

    private void remove(Entry e, String why) {
        byCanonical.remove(e.canonical, e);
        LOG.log(System.Logger.Level.INFO, "unloading " + e.canonical + " ('" + e.instance + "'): " + why);
        service.remove(e.instance);
    }

    /** An instance name for a canonical name: its last segment, made a valid and unused instance name. */
    private String instanceName(String canonical) {
        String s = canonical;
        int cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        s = cut >= 0 ? s.substring(cut + 1) : s;
        if (s.toLowerCase(Locale.ROOT).endsWith(".gguf")) {
            s = s.substring(0, s.length() - 5);
        }
        s = s.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (s.isEmpty()) {
            s = "model";
        }
        s = s.length() > 56 ? s.substring(0, 56) : s;
        String name = s;
        for (int i = 2; service.has(name); i++) {
            name = s + "-" + i;
        }
        return name;
    }

    @Override
    public void close() {
        reaper.shutdownNow();
    }
}
