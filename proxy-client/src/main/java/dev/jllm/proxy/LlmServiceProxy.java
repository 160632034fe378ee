package dev.jllm.proxy;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.CurrentModel;
import dev.jllm.api.CurrentModelListener;
import dev.jllm.api.HttpLlmConfig;
import dev.jllm.api.HttpTimeouts;
import dev.jllm.api.Llm;
import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import dev.jllm.api.LlmInfo;
import dev.jllm.api.LlmService;
import dev.jllm.api.ModelInfo;
import dev.jllm.providers.ServedModels;
import dev.jllm.api.ProgressListener;
import dev.jllm.api.ServiceInfo;
import dev.jllm.api.Subscription;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.Model;
import dev.jllm.api.Providers;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@link LlmService} for processes that want jllm without loading a model or running a web server: engine work
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
 */
public final class LlmServiceProxy implements LlmService {

    /** The instance name rule of {@code LlmServiceMain}, checked here so in-proxy names follow it too. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final System.Logger LOG = System.getLogger(LlmServiceProxy.class.getName());

    private final ProxySettings settings;
    private final JobsClient client;
    private final ServerJobs jobs;
    private final CallScope scope;
    private final Providers providers;
    private final InProxyInstances inProxy = new InProxyInstances();
    /** Configs of the server instances this proxy created: the server does not tell them. */
    private final Map<String, LlmConfig> createdConfigs = new ConcurrentHashMap<>();
    private final CurrentModelTracker tracker = new CurrentModelTracker();
    private final Object feedLock = new Object();
    private CurrentModelFeed feed;
    private volatile boolean closed;

    private LlmServiceProxy(ProxySettings settings) {
        this.settings = settings;
        this.client = new JobsClient(settings);
        this.jobs = new ServerJobs(client);
        this.scope = new CallScope("the proxy for " + settings.server(), null);
        this.providers = Providers.load();
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

    // ------------------------------------------------------------------ instances

    @Override
    public Llm create(String name, LlmConfig config) {
        checkName(name);
        Objects.requireNonNull(config, "config");
        ensureOpen();
        if (config instanceof HttpLlmConfig) {
            providers.factory(config.type()); // an unknown type fails before anything is reserved
        }
        inProxy.reserve(name);
        try {
            if (config instanceof HttpLlmConfig) {
                if (serverNames().contains(name)) {
                    throw new LlmException(Kind.CONFLICT, "an instance named '" + name + "' already exists on the"
                            + " server");
                }
                Llm llm = providers.create(name, config);
                if (closed) {
                    llm.close();
                    throw new LlmException(Kind.UNAVAILABLE, "the proxy was closed while '" + name
                            + "' was being created");
                }
                inProxy.add(llm);
                return llm;
            }
            LlmInfo info = jobs.create(scope, name, config);
            createdConfigs.put(name, config);
            return new ForwardingLlm(name, info.type(), config, jobs, scope);
        } finally {
            inProxy.release(name);
        }
    }

    @Override
    public Llm get(String name) {
        ensureOpen();
        Optional<Llm> here = inProxy.get(name);
        if (here.isPresent()) {
            return here.get();
        }
        if (name == null) {
            throw LlmException.notFound("no instance named 'null'");
        }
        LlmInfo info = jobs.info(scope, name);
        return new ForwardingLlm(name, info.type(), createdConfigs.get(name), jobs, scope);
    }

    @Override
    public boolean has(String name) {
        ensureOpen();
        return name != null && (inProxy.get(name).isPresent() || jobs.list(scope).contains(name));
    }

    @Override
    public boolean remove(String name) {
        ensureOpen();
        Optional<Llm> here = inProxy.remove(name);
        if (here.isPresent()) {
            closeQuietly(here.get());
            Optional<CurrentModel> o = tracker.override();
            if (o.isPresent() && o.get().serviceName().equals(name)) {
                tracker.override(Optional.empty());
            }
            return true;
        }
        if (name == null) {
            return false;
        }
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
    public List<String> list() {
        ensureOpen();
        TreeSet<String> names = new TreeSet<>(jobs.list(scope));
        names.addAll(inProxy.names());
        return List.copyOf(names);
    }

    /**
     * Removes what this proxy made: its in-proxy instances and the server instances it created. Instances the
     * server was started with or other clients made stay (the server's {@code instance.clear} would take them
     * too). A server that cannot be reached keeps this proxy's instances there, and the call fails saying so.
     */
    @Override
    public void clear() {
        ensureOpen();
        inProxy.removeAll().forEach(LlmServiceProxy::closeQuietly);
        tracker.override(Optional.empty());
        for (String name : List.copyOf(createdConfigs.keySet())) {
            jobs.remove(scope, name);
            createdConfigs.remove(name);
        }
    }

    /**
     * The server's instance names, to keep in-proxy names distinct from them; none when the server cannot be
     * reached, so that in-proxy instances can be made while it is down (a name clash is then found when the
     * server is back and the name is used there).
     */
    private List<String> serverNames() {
        try {
            return jobs.list(scope);
        } catch (LlmException e) {
            if (serverDown(e)) {
                LOG.log(System.Logger.Level.DEBUG, "{0} cannot be reached: the name is not checked against it",
                        settings.server());
                return List.of();
            }
            throw e;
        }
    }

    private static boolean serverDown(LlmException e) {
        return e.kind() == Kind.UNAVAILABLE || e.kind() == Kind.TIMEOUT;
    }

    // ------------------------------------------------------------------ current model

    @Override
    public Optional<CurrentModel> currentModel() {
        ensureOpen();
        Optional<CurrentModel> o = tracker.override();
        return o.isPresent() ? o : jobs.currentModel(scope);
    }

    @Override
    public CurrentModel setCurrentModel(String modelId, String provider, String serviceName) {
        ensureOpen();
        if (modelId == null || modelId.isBlank()) {
            throw LlmException.invalid("a model id is required");
        }
        Optional<Llm> here = inProxy.get(serviceName);
        if (here.isPresent()) {
            Llm llm = here.get();
            if (provider != null && !provider.isBlank() && !provider.equals(llm.type())) {
                throw LlmException.invalid("instance '" + serviceName + "' is of type '" + llm.type() + "', not '"
                        + provider + "'");
            }
            boolean exists;
            try {
                exists = llm.hasModel(modelId);
            } catch (LlmException e) {
                exists = true; // the upstream cannot tell now: believed
            }
            if (!exists) {
                throw LlmException.notFound("instance '" + serviceName + "' has no model '" + modelId + "'");
            }
            CurrentModel next = new CurrentModel(modelId, llm.type(), serviceName);
            // Follow the server from now on, so that a change made elsewhere replaces this choice; and clear the
            // server's choice, since there is one current model and the server cannot serve this one. A server
            // that is down has no choice to clear now: the feed brings its state when it is back.
            startFeed();
            awaitFeed();
            tracker.expectOverride(next);
            try {
                syncWithServer(jobs.clearCurrentModel(scope));
            } catch (LlmException e) {
                tracker.cancelExpectedOverride();
                if (!serverDown(e)) {
                    throw e;
                }
            } catch (RuntimeException e) {
                tracker.cancelExpectedOverride();
                throw e;
            }
            tracker.override(Optional.of(next));
            return next;
        }
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

    // ------------------------------------------------------------------ status

    @Override
    public boolean isReady() {
        ensureOpen();
        Optional<CurrentModel> o = tracker.override();
        if (o.isPresent()) {
            return inProxy.get(o.get().serviceName()).map(Llm::isReady).orElse(false);
        }
        try {
            // With no instance named, the server answers for its current model's instance (400 without one).
            return jobs.info(scope, null).ready();
        } catch (LlmException e) {
            return false;
        }
    }

    /** False too when the server cannot be reached: the instance cannot answer then either. */
    @Override
    public boolean isReady(String name) {
        ensureOpen();
        Optional<Llm> here = inProxy.get(name);
        if (here.isPresent()) {
            return here.get().isReady();
        }
        try {
            return jobs.info(scope, requireName(name)).ready();
        } catch (LlmException e) {
            if (e.kind() == Kind.UNAVAILABLE || e.kind() == Kind.TIMEOUT) {
                return false;
            }
            throw e;
        }
    }

    /** Mode "proxy"; the instances of the server and of this proxy, sorted by name. */
    @Override
    public ServiceInfo info() {
        ensureOpen();
        ServiceInfo server = jobs.serviceInfo(scope);
        List<LlmInfo> all = new ArrayList<>(server.instances());
        for (Llm llm : inProxy.all()) {
            try {
                all.add(llm.info());
            } catch (RuntimeException e) {
                all.add(new LlmInfo(llm.name(), llm.type(), false, "", List.of(),
                        Map.of("error", String.valueOf(e.getMessage()))));
            }
        }
        all.sort(Comparator.comparing(LlmInfo::name));
        Optional<CurrentModel> o = tracker.override();
        return new ServiceInfo("proxy", o.orElse(server.currentModel()), all);
    }

    @Override
    public LlmInfo info(String name) {
        ensureOpen();
        Optional<Llm> here = inProxy.get(name);
        return here.isPresent() ? here.get().info() : jobs.info(scope, requireName(name));
    }

    @Override
    public List<Model> models() {
        ensureOpen();
        Optional<Llm> current = currentInProxy();
        return current.isPresent() ? current.get().models() : jobs.models(scope, null);
    }

    @Override
    public List<Model> models(String name) {
        ensureOpen();
        Optional<Llm> here = inProxy.get(name);
        return here.isPresent() ? here.get().models() : jobs.models(scope, requireName(name));
    }

    // ------------------------------------------------------------------ chat

    @Override
    public ChatCompletion chatCompletion(ChatCompletionRequest request) {
        ensureOpen();
        Objects.requireNonNull(request, "request");
        Optional<CurrentModel> o = tracker.override();
        if (o.isPresent()) {
            return inProxyOf(o.get()).chatCompletion(withModel(request, o.get().modelId()));
        }
        return jobs.chat(scope, null, request);
    }

    @Override
    public ChatCompletion chatCompletion(String name, ChatCompletionRequest request) {
        ensureOpen();
        Objects.requireNonNull(request, "request");
        Optional<Llm> here = inProxy.get(name);
        if (here.isPresent()) {
            return here.get().chatCompletion(withDefaultModel(name, request));
        }
        return jobs.chat(scope, requireName(name), checkDefaultModel(name, request));
    }

    @Override
    public ChatCompletionStream chatCompletionStream(ChatCompletionRequest request) {
        ensureOpen();
        Objects.requireNonNull(request, "request");
        Optional<CurrentModel> o = tracker.override();
        if (o.isPresent()) {
            return inProxyOf(o.get()).chatCompletionStream(withModel(request, o.get().modelId()));
        }
        return jobs.chatStream(scope, null, request);
    }

    @Override
    public ChatCompletionStream chatCompletionStream(String name, ChatCompletionRequest request) {
        ensureOpen();
        Objects.requireNonNull(request, "request");
        Optional<Llm> here = inProxy.get(name);
        if (here.isPresent()) {
            return here.get().chatCompletionStream(withDefaultModel(name, request));
        }
        return jobs.chatStream(scope, requireName(name), checkDefaultModel(name, request));
    }

    // ------------------------------------------------------------------ model lifecycle

    @Override
    public ModelInfo serve(String model, ProgressListener progress) {
        ensureOpen();
        Optional<Llm> current = currentInProxy();
        if (current.isPresent()) {
            return ServedModels.serve(current.get(), model, progress == null ? ProgressListener.NONE : progress);
        }
        return jobs.serve(scope, null, model, progress);
    }

    @Override
    public ModelInfo serve(String name, String model, ProgressListener progress) {
        ensureOpen();
        Optional<Llm> here = inProxy.get(name);
        if (here.isPresent()) {
            return ServedModels.serve(here.get(), model, progress == null ? ProgressListener.NONE : progress);
        }
        return jobs.serve(scope, requireName(name), model, progress);
    }

    @Override
    public void unload(String model) {
        ensureOpen();
        Optional<Llm> current = currentInProxy();
        if (current.isPresent()) {
            current.get().unload(model);
        } else {
            jobs.unload(scope, null, model);
        }
    }

    @Override
    public void unload(String name, String model) {
        ensureOpen();
        Optional<Llm> here = inProxy.get(name);
        if (here.isPresent()) {
            here.get().unload(model);
        } else {
            jobs.unload(scope, requireName(name), model);
        }
    }

    @Override
    public void deleteModel(String model) {
        ensureOpen();
        Optional<Llm> current = currentInProxy();
        if (current.isPresent()) {
            current.get().deleteModel(model);
        } else {
            jobs.delete(scope, null, model);
        }
    }

    @Override
    public void deleteModel(String name, String model) {
        ensureOpen();
        Optional<Llm> here = inProxy.get(name);
        if (here.isPresent()) {
            here.get().deleteModel(model);
        } else {
            jobs.delete(scope, requireName(name), model);
        }
    }

    /**
     * Cancels the jobs this proxy started (streams still open end), closes the in-proxy instances and stops
     * following the server. The server's instances and current model stay as they are.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        scope.close();
        inProxy.removeAll().forEach(LlmServiceProxy::closeQuietly);
        synchronized (feedLock) {
            if (feed != null) {
                feed.close();
            }
        }
        client.close();
    }

    @Override
    public String toString() {
        return "LlmServiceProxy[" + settings.server() + "]";
    }

    // ------------------------------------------------------------------ helpers

    private void startFeed() {
        synchronized (feedLock) {
            if (feed == null && !closed) {
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

    /** The in-proxy instance of this proxy's own current model, if it has one. */
    private Optional<Llm> currentInProxy() {
        Optional<CurrentModel> o = tracker.override();
        return o.isPresent() ? Optional.of(inProxyOf(o.get())) : Optional.empty();
    }

    private Llm inProxyOf(CurrentModel c) {
        return inProxy.get(c.serviceName()).orElseThrow(() -> LlmException.notFound("the current model '"
                + c.modelId() + "' is served by instance '" + c.serviceName() + "', which does not exist"));
    }

    private static ChatCompletionRequest withModel(ChatCompletionRequest r, String model) {
        return r.model() == null || r.model().isBlank() ? r.withModel(model) : r;
    }

    /** For an in-proxy instance: a request without a model gets the current model if it is on that instance. */
    private ChatCompletionRequest withDefaultModel(String name, ChatCompletionRequest r) {
        if (r.model() != null && !r.model().isBlank()) {
            return r;
        }
        Optional<CurrentModel> c = currentModel();
        if (c.isPresent() && c.get().serviceName().equals(name)) {
            return r.withModel(c.get().modelId());
        }
        throw noDefaultModel(name);
    }

    /**
     * For a server instance: a request without a model is completed by the server with its current model; only
     * this proxy's own in-proxy current model has to be checked here, since the server does not know it.
     */
    private ChatCompletionRequest checkDefaultModel(String name, ChatCompletionRequest r) {
        if ((r.model() == null || r.model().isBlank()) && tracker.override().isPresent()) {
            throw noDefaultModel(name);
        }
        return r;
    }

    private static LlmException noDefaultModel(String name) {
        return LlmException.invalid("the request names no model and instance '" + name
                + "' does not serve the current model");
    }

    private static String requireName(String name) {
        if (name == null) {
            throw LlmException.notFound("no instance named 'null'");
        }
        return name;
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw LlmException.invalid("invalid instance name '" + name + "': use 1-64 letters, digits, '.', '_'"
                    + " or '-', starting with a letter or digit");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new LlmException(Kind.UNAVAILABLE, "the proxy for " + settings.server() + " is closed");
        }
    }

    private static void closeQuietly(Llm llm) {
        try {
            llm.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing instance '" + llm.name() + "' failed", e);
        }
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
