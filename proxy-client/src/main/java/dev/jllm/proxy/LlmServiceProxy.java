package dev.jllm.proxy;

import dev.jllm.api.CurrentModel;
import dev.jllm.api.CurrentModelListener;
import dev.jllm.api.HttpLlmConfig;
import dev.jllm.api.HttpTimeouts;
import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.LlmInfo;
import dev.jllm.api.ServiceInfo;
import dev.jllm.api.Subscription;
import dev.jllm.api.LlmServiceFactory;
import dev.jllm.api.Providers;
import dev.jllm.providers.InstanceRegistry;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * {@link dev.jllm.api.LlmService} for processes that want jllm without loading a model or running a web server: engine work
 * is forwarded to a jllm server ({@code jllm serve}) as jobs (docs/jobs-api.md), while instances of the HTTP
 * types ({@code openai}, {@code ollama}, {@code lmstudio}) run right here with the same provider code as main
 * mode.
 *
 * <ul>
 *   <li><b>Instances.</b> One namespace: {@link #list()} is the server's instances plus this proxy's in-proxy
 *       ones. Creating any instance checks the name against both. Instances of every engine type ({@code local}
 *       and later ones) are created on the server and used through forwarding handles, each call a job; closing
 *       a handle cancels its jobs, {@link #remove} removes the instance.</li>
 *   <li><b>Current model.</b> The server's, shared with its other clients; changes made anywhere reach
 *       {@link #onCurrentModelChange} listeners through the server's event stream. A model of an in-proxy
 *       instance, which the server cannot serve, is kept by this proxy as its current model (and the server's is
 *       cleared, as there is one current model) until it is changed here or anywhere else.</li>
 *   <li><b>Failures.</b> What the server's service threw comes back as the same {@link LlmException} kind. A
 *       server that cannot be reached, goes silent or loses a job (restarted) gives UNAVAILABLE (or TIMEOUT)
 *       within the configured limits, never a hang. A dropped event stream is resumed where it broke.</li>
 *   <li><b>Cancelling.</b> Closing a stream, interrupting a waiting call, closing a handle or this service
 *       cancels the jobs involved on the server.</li>
 * </ul>
 *
 * <p>Operations on an in-proxy instance by name work without the server; everything involving the shared
 * namespace or the server's current model needs it. {@link #close()} stops this proxy's work; it does not remove
 * the server's instances, which other clients may share. Thread-safe.
 *
 * <p>The service methods are written once, in {@link InstanceRegistry} (shared with main mode); this class says
 * where the server's instances are and how the current model is shared with the server.
 */
public final class LlmServiceProxy extends InstanceRegistry {

    private static final System.Logger LOG = System.getLogger(LlmServiceProxy.class.getName());

    private final ProxySettings settings;
    private final JobsClient client;
    private final ServerJobs jobs;
    private final CallScope scope;
    /** Configs of the server instances this proxy created: the server does not tell them. */
    private final Map<String, LlmConfig> createdConfigs = new ConcurrentHashMap<>();
    private final CurrentModelTracker tracker = new CurrentModelTracker();
    private final Object feedLock = new Object();
    private CurrentModelFeed feed;

    private LlmServiceProxy(ProxySettings settings) {
        super(LlmServiceFactory.PROXY, "the proxy for " + settings.server(), Providers.load());
        this.settings = settings;
        this.client = new JobsClient(settings);
        this.jobs = new ServerJobs(client);
        this.scope = new CallScope("the proxy for " + settings.server(), null);
    }

    /** A builder for a proxy to the server at {@code serverUrl} (its root, e.g. {@code http://127.0.0.1:8080}). */
    public static Builder builder(String serverUrl) {
        return new Builder(serverUrl);
    }

    /** A proxy to the server at {@code serverUrl} without an API key and with the default time limits. */
    public static LlmServiceProxy connect(String serverUrl) {
        return builder(serverUrl).build();
    }

    /** The server's root URL. */
    public URI server() {
        return settings.server();
    }

    // ------------------------------------------------------------------ instances on the server

    /** The HTTP types run in the proxy; every engine type on the server. */
    @Override
    protected boolean runsHere(LlmConfig config) {
        return config instanceof HttpLlmConfig;
    }

    @Override
    protected Llm createElsewhere(String name, LlmConfig config) {
        LlmInfo info = jobs.create(scope, name, config);
        createdConfigs.put(name, config);
        return new ForwardingLlm(name, info.type(), config, jobs, scope);
    }

    /**
     * Keeps in-proxy names distinct from the server's; a server that cannot be reached is not asked, so that
     * in-proxy instances can be made while it is down (a clash is then found when the name is used there).
     */
    @Override
    protected void checkFreeElsewhere(String name) {
        try {
            if (jobs.list(scope).contains(name)) {
                throw new LlmException(Kind.CONFLICT, "an instance named '" + name + "' already exists on the"
                        + " server");
            }
        } catch (LlmException e) {
            if (!ServerJobs.serverDown(e)) {
                throw e;
            }
            LOG.log(System.Logger.Level.DEBUG, "{0} cannot be reached: the name is not checked against it",
                    settings.server());
        }
    }

    @Override
    protected Llm getElsewhere(String name) {
        LlmInfo info = jobs.info(scope, requireName(name));
        return new ForwardingLlm(name, info.type(), createdConfigs.get(name), jobs, scope);
    }

    @Override
    protected Llm routeElsewhere(String name) {
        return new ForwardingLlm(requireName(name), null, createdConfigs.get(name), jobs, scope);
    }

    @Override
    protected boolean hasElsewhere(String name) {
        return jobs.list(scope).contains(name);
    }

    @Override
    protected boolean removeElsewhere(String name) {
        boolean removed = jobs.remove(scope, name);
        createdConfigs.remove(name);
        // The server clears its current model if it was on that instance: let listeners hear of it first.
        Optional<Optional<CurrentModel>> server = tracker.server();
        if (removed && server.isPresent() && server.get().isPresent()
                && server.get().get().serviceName().equals(name)) {
            syncWithServer(Optional.empty());
        }
        return removed;
    }

    @Override
    protected List<String> namesElsewhere() {
        return jobs.list(scope);
    }

    /**
     * Removes the server instances this proxy created; instances the server was started with or other clients
     * made stay (the server's {@code instance.clear} would take them too). A server that cannot be reached keeps
     * this proxy's instances there, and the call fails saying so.
     */
    @Override
    protected void clearElsewhere() {
        for (String name : List.copyOf(createdConfigs.keySet())) {
            jobs.remove(scope, name);
            createdConfigs.remove(name);
        }
    }

    @Override
    protected ServiceInfo infoElsewhere() {
        return jobs.serviceInfo(scope);
    }

    /** Cancels the jobs this proxy started (streams still open end) and stops following the server. */
    @Override
    protected void closeElsewhere() {
        scope.close();
        synchronized (feedLock) {
            if (feed != null) {
                feed.close();
            }
        }
        client.close();
    }

    // ------------------------------------------------------------------ current model

    @Override
    protected Optional<CurrentModel> ownCurrent() {
        return tracker.override();
    }

    @Override
    protected Optional<CurrentModel> currentElsewhere() {
        return jobs.currentModel(scope);
    }

    /** The server's current model's instance, as the server knows it (it fills in the model). */
    @Override
    protected Llm currentInstanceElsewhere() {
        return new ForwardingLlm(null, null, null, jobs, scope);
    }

    /**
     * A model of an in-proxy instance, which the server cannot serve: this proxy follows the server from now on,
     * so that a change made elsewhere replaces this choice, and clears the server's choice, since there is one
     * current model. A server that is down has no choice to clear now: the feed brings its state when it is back.
     */
    @Override
    protected void setOwnCurrent(CurrentModel next) {
        startFeed();
        awaitFeed();
        tracker.expectOverride(next);
        try {
            syncWithServer(jobs.clearCurrentModel(scope));
        } catch (LlmException e) {
            tracker.cancelExpectedOverride();
            if (!ServerJobs.serverDown(e)) {
                throw e;
            }
        } catch (RuntimeException e) {
            tracker.cancelExpectedOverride();
            throw e;
        }
        tracker.override(Optional.of(next));
    }

    @Override
    protected void clearOwnCurrentIf(Predicate<CurrentModel> which) {
        Optional<CurrentModel> o = tracker.override();
        if (o.isPresent() && which.test(o.get())) {
            tracker.override(Optional.empty());
        }
    }

    @Override
    protected CurrentModel setCurrentElsewhere(String modelId, String provider, String serviceName) {
        Optional<CurrentModel> set = jobs.setCurrentModel(scope, modelId, provider, serviceName);
        CurrentModel next = set.orElseThrow(() -> Wire.malformed("current_model.set result", "no current model"));
        syncWithServer(set);
        tracker.override(Optional.empty());
        return next;
    }

    @Override
    public void clearCurrentModel() {
        ensureOpen();
        Optional<CurrentModel> cleared = jobs.clearCurrentModel(scope);
        syncWithServer(cleared);
        tracker.override(Optional.empty());
    }

    /**
     * Registers a listener told of every change of the current model: made through this proxy, through other
     * clients of the server, or on the server itself. Listeners are called in order on one of the proxy's
     * threads (or the thread making a change); keep them quick. Works while the server cannot be reached: the
     * changes arrive once it can.
     *
     * @throws LlmException AUTHENTICATION or PERMISSION when the server refuses this proxy's key
     */
    @Override
    public Subscription onCurrentModelChange(CurrentModelListener listener) {
        ensureOpen();
        Objects.requireNonNull(listener, "listener");
        startFeed();
        awaitFeed();
        return tracker.subscribe(listener);
    }

    @Override
    public String toString() {
        return "LlmServiceProxy[" + settings.server() + "]";
    }

    // ------------------------------------------------------------------ helpers

    private void startFeed() {
        synchronized (feedLock) {
            if (feed == null && !isClosed()) {
                feed = new CurrentModelFeed(client, tracker);
                feed.start();
            }
        }
    }

    private boolean feedStarted() {
        synchronized (feedLock) {
            return feed != null;
        }
    }

    /**
     * Waits (boundedly) for the event stream's first report, so the state listeners start from is known; returns
     * early when the server cannot be reached (the stream keeps trying).
     */
    private void awaitFeed() {
        CurrentModelFeed f;
        synchronized (feedLock) {
            f = feed;
        }
        try {
            if (f != null) {
                f.awaitFirstAttempt(firstReportWait());
                if (f.refused() != null) {
                    throw RemoteCall.rethrown(f.refused());
                }
            }
            if (!tracker.serverKnown()) {
                LOG.log(System.Logger.Level.DEBUG, "no current-model events from {0} yet", settings.server());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmException(Kind.CANCELLED, "interrupted while connecting to the server's events", e);
        }
    }

    /**
     * After this proxy changed the server's current model: waits until the event stream has reported the new
     * state, so listeners heard of the change before the call that made it returns (as in main mode).
     */
    private void syncWithServer(Optional<CurrentModel> expected) {
        if (!feedStarted()) {
            return;
        }
        try {
            if (!tracker.awaitServer(expected, firstReportWait())) {
                LOG.log(System.Logger.Level.DEBUG, "the server's events have not reported {0} yet", expected);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LlmException(Kind.CANCELLED, "interrupted while waiting for the server's events", e);
        }
    }

    private Duration firstReportWait() {
        HttpTimeouts t = settings.timeouts();
        return t.connect().plus(t.request());
    }

    private static String requireName(String name) {
        if (name == null) {
            throw LlmException.notFound("no instance named 'null'");
        }
        return name;
    }

    /**
     * Settings of a proxy. Defaults: no API key; 10 s to connect; 30 s for the headers of any answer (jobs are
     * answered at once, their work follows as events); 30 s of silence on an event stream before it counts as
     * lost (the server writes a comment every 10 s); 30 s of trying to re-open a lost event stream before a call
     * fails with UNAVAILABLE.
     */
    public static final class Builder {

        private final String serverUrl;
        private String apiKey;
        private HttpTimeouts timeouts = ProxySettings.DEFAULT_TIMEOUTS;
        private Duration reconnectWindow = Duration.ofSeconds(30);

        private Builder(String serverUrl) {
            this.serverUrl = serverUrl;
        }

        /** The server's key ({@code jllm serve --api-key}), sent as a bearer token; null or blank for none. */
        public Builder apiKey(String key) {
            this.apiKey = key;
            return this;
        }

        /** All three limits at once (see {@link HttpTimeouts}; idle applies to event streams). */
        public Builder timeouts(HttpTimeouts t) {
            this.timeouts = Objects.requireNonNull(t, "timeouts");
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.timeouts = timeouts.withConnect(d);
            return this;
        }

        public Builder requestTimeout(Duration d) {
            this.timeouts = timeouts.withRequest(d);
            return this;
        }

        /** Silence on an event stream after which it is re-opened; keep it above the server's 10 s heartbeat. */
        public Builder idleTimeout(Duration d) {
            this.timeouts = timeouts.withIdle(d);
            return this;
        }

        /** How long a lost event stream is re-opened before the call fails with UNAVAILABLE (0: no retry). */
        public Builder reconnectWindow(Duration d) {
            this.reconnectWindow = Objects.requireNonNull(d, "reconnectWindow");
            return this;
        }

        /**
         * Makes the proxy. Nothing is sent yet: an unreachable server shows on the first call.
         *
         * @throws LlmException INVALID_REQUEST for a malformed URL or limit
         */
        public LlmServiceProxy build() {
            return new LlmServiceProxy(new ProxySettings(ProxySettings.serverRoot(serverUrl), apiKey, timeouts,
                    reconnectWindow));
        }
    }
}
