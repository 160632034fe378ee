package dev.jllm.server;

import dev.jllm.api.JllmHome;
import dev.jllm.api.LlmService;
import dev.jllm.models.store.ModelStore;
import dev.jllm.server.admission.GenerationSlots;
import dev.jllm.server.admission.Readiness;
import dev.jllm.server.config.ServerConfig;
import dev.jllm.server.http.ConnectionBudget;
import dev.jllm.server.http.HeaderDeadlineListener;
import dev.jllm.server.http.ReadDeadlineFilter;
import dev.jllm.server.http.ReadDeadlines;
import dev.jllm.server.http.UnreadBodyCloser;
import dev.jllm.server.jobs.JobManager;
import dev.jllm.server.jobs.JobTypes;
import dev.jllm.server.jobs.ModelGate;
import dev.jllm.server.metrics.Metrics;
import dev.jllm.server.metrics.RouteLabel;
import dev.jllm.server.ollama.OllamaRoutes;
import dev.jllm.server.anthropic.MessagesRoute;
import dev.jllm.server.responses.ResponsesRoute;
import dev.jllm.server.ondemand.Aliases;
import dev.jllm.server.ondemand.ModelNames;
import dev.jllm.server.ondemand.OnDemandModels;
import dev.jllm.server.openai.ApiException;
import dev.jllm.server.openai.ClientGoneException;
import dev.jllm.server.openai.DirectErrors;
import dev.jllm.server.openai.Errors;
import dev.jllm.server.openai.Responses;
import dev.jllm.server.routing.AccessLogFilter;
import dev.jllm.server.routing.ChatCompletionsRoute;
import dev.jllm.server.routing.CompletionsRoute;
import dev.jllm.server.routing.CorsFilter;
import dev.jllm.server.routing.EmbeddingsRoute;
import dev.jllm.server.routing.EventsRoute;
import dev.jllm.server.routing.FallbackRoute;
import dev.jllm.server.routing.HealthRoute;
import dev.jllm.server.routing.HostFilter;
import dev.jllm.server.routing.JobsRoutes;
import dev.jllm.server.routing.MetricsRoute;
import dev.jllm.server.routing.ModelRouter;
import dev.jllm.server.routing.ModelsRoutes;
import dev.jllm.server.routing.ServerContext;
import dev.jllm.server.routing.UtilityRoutes;
import dev.jllm.server.ui.ChatPage;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.jllm.server.metrics.RouteLabel.named;

/**
 * {@code jllm serve}: a Helidon SE web server (a virtual thread per request) in front of an {@link LlmService},
 * with the OpenAI endpoints, the jobs API, {@code /health} and {@code /metrics}. The models given at start load on
 * a background thread while the server already answers.
 */
public final class JllmServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(JllmServer.class.getName());
    /** Silence after which an idle event stream gets a comment line, which also finds readers that left. */
    static final Duration HEARTBEAT = Duration.ofSeconds(10);

    private final ServerContext context;
    private final WebServer web;
    private final Thread loader;

    private final ReadDeadlines deadlines;

    private JllmServer(ServerContext context, WebServer web, Thread loader, ReadDeadlines deadlines) {
        this.context = context;
        this.web = web;
        this.loader = loader;
        this.deadlines = deadlines;
    }

    /** How often idle connections are looked for: often enough that one is closed soon after its timeout. */
    private static Duration idlePeriod(Duration timeout) {
        Duration quarter = timeout.dividedBy(4);
        return quarter.compareTo(Duration.ofMillis(250)) < 0 ? Duration.ofMillis(250) : quarter;
    }

    /**
     * Starts serving {@code service} (which the server then owns: closing the server closes it) and begins
     * loading the configured models.
     */
    public static JllmServer start(ServerConfig config, LlmService service) {
        Metrics metrics = new Metrics();
        GenerationSlots slots = new GenerationSlots(config.parallel(), config.maxQueued(), config.maxQueueWait());
        ModelNames names = new ModelNames(ModelStore.openDefault(),
                new Aliases(JllmHome.resolve().aliases()), config.onDemand().modelsDirs());
        ModelGate gate = new ModelGate(names, config.onDemand().pull());
        JobManager jobs = new JobManager(JobTypes.all(service, slots, metrics, gate), config.jobs(), metrics,
                Clock.systemUTC());
        Readiness readiness = new Readiness();
        OnDemandModels onDemand = new OnDemandModels(service, config, slots, metrics, names);
        ModelRouter router = new ModelRouter(service, System.currentTimeMillis() / 1000, onDemand,
                config.contextSize());
        ServerContext ctx = new ServerContext(config, service, router, slots, metrics, jobs, readiness);
        ReadDeadlines deadlines = new ReadDeadlines(config.readTimeout());
        ModelLoader loading = new ModelLoader(config, service, readiness, metrics, onDemand);
        WebServer web = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .shutdownHook(false)
                // Helidon does not time reads itself (see ReadDeadlines): stalled request lines and idle
                // connections are closed by its idle timeout, stalled headers and bodies by our deadlines.
                .maxTcpConnections(ConnectionBudget.maxConnections())
                .idleConnectionTimeout(config.readTimeout())
                .idleConnectionPeriod(idlePeriod(config.readTimeout()))
                // HTTP/1.1 only, configured here: with a second (discovered) protocol Helidon would close HTTP/1.0
                // connections without a word instead of answering 505
                .protocolsDiscoverServices(false)
                .addProtocol(Http1Config.builder().addReceiveListener(new HeaderDeadlineListener(deadlines)).build())
                .directHandlers(DirectErrors.all())
                .routing(r -> routing(r.addFilter(new ReadDeadlineFilter(deadlines)), ctx))
                .build()
                .start();
        LOG.log(System.Logger.Level.INFO, "jllm serving on http://" + config.host() + ":" + web.port());
        Thread loader = Thread.ofPlatform().name("jllm-model-loader").daemon().start(loading);
        return new JllmServer(ctx, web, loader, deadlines);
    }

    /** Every route, filter and error handler, on the given routing (Helidon SE style; tests use it too). */
    public static void routing(HttpRouting.Builder routing, ServerContext ctx) {
        ModelsRoutes models = new ModelsRoutes(ctx.router());
        JobsRoutes jobs = new JobsRoutes(ctx.jobs(), ctx.config().maxBodyBytes());
        UtilityRoutes utility = new UtilityRoutes(ctx);
        routing.addFilter(new UnreadBodyCloser())
                .addFilter(new AccessLogFilter(ctx.metrics()))
                .addFilter(new HostFilter(ctx.config().host()))
                .addFilter(new CorsFilter(ctx.config().corsOrigins()))
                .addFilter(new AuthFilter(ctx.config().apiKey()))
                .error(ClientGoneException.class, (req, res, e) -> clientGone(ctx, req, res))
                .error(Throwable.class, JllmServer::answerError)
                .get("/health", named("/health", new HealthRoute(ctx.readiness())))
                .get("/metrics", named("/metrics", new MetricsRoute(ctx.metrics(), ctx.slots())))
                .get("/v1/models", named("/v1/models", models::list))
                .get("/v1/models/*", named("/v1/models/{id}", models::one))
                .post("/v1/chat/completions", named("/v1/chat/completions", new ChatCompletionsRoute(ctx)))
                .post("/v1/completions", named("/v1/completions", new CompletionsRoute(ctx)))
                .post("/v1/embeddings", named("/v1/embeddings", new EmbeddingsRoute(ctx)))
                .post("/v1/jobs", named("/v1/jobs", jobs::submit))
                .get("/v1/jobs", named("/v1/jobs", jobs::list))
                .get("/v1/jobs/{id}", named("/v1/jobs/{id}", jobs::get))
                .delete("/v1/jobs/{id}", named("/v1/jobs/{id}", jobs::cancel))
                .get("/v1/jobs/{id}/events", named("/v1/jobs/{id}/events", jobs::events))
                .get("/v1/events", named("/v1/events", new EventsRoute(ctx.service(), HEARTBEAT)))
                // llama-server's clients call the OpenAI routes without the /v1 prefix
                .get("/models", named("/v1/models", models::list))
                .post("/chat/completions", named("/v1/chat/completions", new ChatCompletionsRoute(ctx)))
                .post("/completions", named("/v1/completions", new CompletionsRoute(ctx)))
                .post("/embeddings", named("/v1/embeddings", new EmbeddingsRoute(ctx)))
                .post("/apply-template", named("/apply-template", utility::applyTemplate))
                .post("/tokenize", named("/tokenize", utility::tokenize))
                .post("/detokenize", named("/detokenize", utility::detokenize))
                .get("/props", named("/props", utility::props))
                .register(new ChatPage());
        OllamaRoutes.register(routing, ctx);
        ResponsesRoute.register(routing, ctx);
        MessagesRoute.register(routing, ctx);
        routing.any(new FallbackRoute(List.of("/health", "/metrics", "/v1/models(/.*)?", "/v1/chat/completions",
                        "/v1/completions", "/v1/embeddings", "/v1/jobs(/[^/]+(/events)?)?", "/v1/events", "/tokenize",
                        "/detokenize", "/props", "/models", "/chat/completions", "/completions", "/embeddings", "/apply-template",
                        String.join("|", OllamaRoutes.PATHS),
                        ResponsesRoute.PATHS, MessagesRoute.PATHS)));
    }

    private static void answerError(ServerRequest req, ServerResponse res, Throwable t) {
        if (res.isSent()) {
            return; // a stream already began; its own handler reported what it could
        }
        if (req.content().consumed()) {
            Responses.error(res, Errors.from(t instanceof ApiException a ? a : t));
            return;
        }
        // Whatever is left of the body must not be read as the next request: UnreadBodyCloser ends the connection.
        res.header(HeaderValues.CONNECTION_CLOSE);
        Responses.error(res, Errors.from(t instanceof ApiException a ? a : t));
    }

    /**
     * The client left while its request was read or answered: nothing to answer, but it is logged and counted as
     * a disconnect (status 499, as nginx logs it), not as a server error.
     */
    private static void clientGone(ServerContext ctx, ServerRequest req, ServerResponse res) {
        ctx.metrics().clientDisconnects.inc(RouteLabel.of(req));
        if (res.isSent()) {
            return;
        }
        res.header(HeaderValues.CONNECTION_CLOSE);
        res.status(Status.create(499, "Client Closed Request"));
        try {
            res.send();
        } catch (RuntimeException ignored) {
            // the connection is gone
        }
    }

    public int port() {
        return web.port();
    }

    public ServerContext context() {
        return context;
    }

    public Readiness readiness() {
        return context.readiness();
    }

    /** Waits until the start-up models are loaded (or failed); false on timeout. */
    public boolean awaitLoaded(Duration timeout) throws InterruptedException {
        return context.readiness().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops answering, cancels the jobs, and closes the service and its instances. */
    @Override
    public void close() {
        web.stop();
        deadlines.close();
        context.jobs().close();
        context.router().onDemand().close();
        loader.interrupt();
        context.service().close();
    }
}
