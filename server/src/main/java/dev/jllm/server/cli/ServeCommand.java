package dev.jllm.server.cli;

import dev.jllm.runtime.engine.ByteSize;
import dev.jllm.runtime.kv.KvType;

import dev.jllm.providers.LlmServiceMain;
import dev.jllm.server.JllmServer;
import dev.jllm.server.admission.Readiness;
import dev.jllm.server.config.JobLimits;
import dev.jllm.server.config.ModelSpec;
import dev.jllm.server.config.OnDemandConfig;
import dev.jllm.server.config.ServerConfig;
import dev.jllm.server.ondemand.Durations;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code jllm serve}: the OpenAI-compatible server and the jobs API, in front of an in-process service. The
 * given models load while the server already answers ({@code /health} says when they are ready).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serve models over an OpenAI-compatible (Chat Completions, Responses), an Anthropic Messages"
                + " and an Ollama-compatible HTTP API, with llama-server's routes (and the jobs API proxies use).",
                "Without --model every model in the store (JLLM_HOME) is served: a request naming one loads it, and"
                        + " it is unloaded after --keep-alive without use. --model preloads and pins models; the first"
                        + " becomes the current model.",
                "Every option can also be set by the environment variable named in its description; the option"
                        + " wins."})
final class ServeCommand implements Callable<Integer> {

    /** One {@code --model REF [--alias NAME] [--quantize TYPE] [--chat-template-file FILE]} group. */
    static final class ModelOption {
        @Option(names = "--model", required = true, paramLabel = "REF",
                description = "A model to load at start: a .gguf file, a Hugging Face model directory, a model"
                        + " store name or a Hugging Face reference; loaded at start and pinned. Repeatable (env"
                        + " JLLM_MODEL, comma-separated, when no --model is given).")
        String ref;

        @Option(names = "--alias", paramLabel = "NAME",
                description = "The name clients use for the preceding --model (default: its file name without"
                        + " .gguf).")
        String alias;

        @Option(names = "--quantize", paramLabel = "TYPE",
                description = "Quantize the preceding --model's float weights at load time: q8_0 or q4_0"
                        + " (faster and smaller, not exact).")
        String quantize;

        @Option(names = "--chat-template-file", paramLabel = "FILE",
                description = "A Jinja chat template for the preceding --model, used instead of its own: for a"
                        + " model whose template is missing or broken, or cannot carry tools.")
        String chatTemplateFile;
    }

    @ArgGroup(exclusive = false, multiplicity = "0..*")
    List<ModelOption> models = new ArrayList<>();

    @Option(names = "--host", defaultValue = "${env:JLLM_HOST}", paramLabel = "HOST[:PORT]",
            description = "Address to listen on, optionally with the port (env JLLM_HOST; default "
                    + ServerConfig.DEFAULT_HOST + ").")
    String host;

    @Option(names = "--port", defaultValue = "${env:JLLM_PORT}", paramLabel = "PORT",
            description = "Port to listen on, 0 picks a free one (env JLLM_PORT; default: the port in JLLM_HOST,"
                    + " else 8080).")
    Integer port;

    @Option(names = "--threads", defaultValue = "${env:JLLM_NUM_THREADS:-0}", paramLabel = "N",
            description = "Kernel threads per local model (env JLLM_NUM_THREADS; default: one per processor).")
    int threads;

    @Option(names = {"--ctx", "--context-length"}, defaultValue = "${env:JLLM_CONTEXT_LENGTH:-0}", paramLabel = "N",
            description = "Context size in tokens per sequence (env JLLM_CONTEXT_LENGTH; default: the model's).")
    int ctx;

    @Option(names = "--kv-type", defaultValue = "${env:JLLM_KV_CACHE_TYPE:-auto}", paramLabel = "TYPE",
            description = KvType.HELP + " (env JLLM_KV_CACHE_TYPE; default: ${DEFAULT-VALUE}).")
    String kvType;

    @Option(names = {"--parallel", "--num-parallel"}, defaultValue = "${env:JLLM_NUM_PARALLEL:-4}",
            paramLabel = "N", description = "Generations at once per model; more wait in line (env"
                    + " JLLM_NUM_PARALLEL; default 4).")
    int parallel;

    @Option(names = "--keep-alive", defaultValue = "${env:JLLM_KEEP_ALIVE:-5m}", paramLabel = "DURATION",
            description = "How long a model loaded on demand stays loaded after its last request: 5m, 1h, 30s;"
                    + " 0 unloads at once, negative keeps it (env JLLM_KEEP_ALIVE; default 5m). Requests may set"
                    + " their own (Ollama's keep_alive).")
    String keepAlive;

    @Option(names = "--max-loaded", defaultValue = "${env:JLLM_MAX_LOADED:-3}", paramLabel = "N",
            description = "Models loaded on demand at once; the least recently used idle one makes room (env"
                    + " JLLM_MAX_LOADED; default 3).")
    int maxLoaded;

    @Option(names = "--memory-budget", defaultValue = "${env:JLLM_MEMORY_BUDGET}", paramLabel = "SIZE",
            description = "Bytes of model files loaded on demand at once, e.g. 8g (env JLLM_MEMORY_BUDGET;"
                    + " default: three quarters of the physical memory).")
    String memoryBudget;

    @Option(names = "--models-dir", paramLabel = "DIR",
            description = "A directory whose .gguf files and model directories requests may name by path; no other"
                    + " server path is ever opened for a request. Repeatable (env JLLM_MODELS_DIR, separated by ':', ';' on"
                    + " Windows).")
    List<java.nio.file.Path> modelsDirs = new ArrayList<>();

    @Option(names = "--pull", defaultValue = "${env:JLLM_PULL:-explicit}", paramLabel = "MODE",
            description = "When Hugging Face references are pulled: explicit (POST /api/pull, jobs), on-request"
                    + " (also when a chat or generate request names one) or never (env JLLM_PULL; default"
                    + " explicit).")
    String pull;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:JLLM_API_KEY}",
            showDefaultValue = Visibility.NEVER,
            description = "Require this key as 'Authorization: Bearer KEY' on every endpoint but /health and the"
                    + " chat page (default: the JLLM_API_KEY environment variable; none if unset).")
    String apiKey;

    @Option(names = "--cors-origin", paramLabel = "ORIGIN",
            description = "Allow browser calls from this origin ('*' for any). Repeatable (env JLLM_ORIGINS,"
                    + " comma-separated).")
    List<String> corsOrigins = new ArrayList<>();

    @Option(names = "--max-body-mb", defaultValue = "${env:JLLM_MAX_BODY_MB:-16}", paramLabel = "MB",
            description = "Largest request body accepted, in MiB (env JLLM_MAX_BODY_MB; default 16).")
    int maxBodyMb;

    /** A list from an environment variable, split on {@code separator}; empty when unset. */
    private static List<String> fromEnv(String name, String separator) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(v.split(java.util.regex.Pattern.quote(separator))).map(String::strip)
                .filter(x -> !x.isEmpty()).toList();
    }

    @Option(names = "--orphan-timeout", defaultValue = "${env:JLLM_ORPHAN_TIMEOUT:-30}", paramLabel = "SECONDS",
            showDefaultValue = Visibility.ALWAYS,
            description = "Cancel a chat job nobody has followed for this long (a proxy that left), unless it was"
                    + " submitted with \"detach\": true (env JLLM_ORPHAN_TIMEOUT).")
    int orphanTimeout;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ServerLogging.configure();
        ServerConfig config = config();
        PrintWriter out = spec.commandLine().getOut();
        JllmServer server = JllmServer.start(config, new LlmServiceMain());
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "jllm-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("jllm: listening on http://" + config.host() + ":" + server.port()
                + (config.models().isEmpty() ? "" : " (loading " + config.models().size() + " model"
                + (config.models().size() > 1 ? "s" : "") + ")"));
        out.flush();
        server.awaitLoaded(java.time.Duration.ofDays(365_000));
        Readiness.Snapshot s = server.readiness().snapshot();
        if (s.state() == Readiness.State.FAILED) {
            Runtime.getRuntime().removeShutdownHook(hook);
            server.close();
            throw new UserError(s.error());
        }
        if (!config.models().isEmpty()) {
            out.println("jllm: ready");
            out.flush();
        }
        stopped.await();
        return 0;
    }

    ServerConfig config() {
        HostPort listen = HostPort.parse(host, ServerConfig.DEFAULT_HOST, ServerConfig.DEFAULT_PORT);
        int port = this.port != null ? this.port : listen.port();
        if (port < 0 || port > 65535) {
            throw new UserError("--port must be within 0..65535, got " + port);
        }
        if (threads < 0 || ctx < 0) {
            throw new UserError("--threads and --ctx must not be negative");
        }
        if (parallel < 1) {
            throw new UserError("--parallel must be at least 1, got " + parallel);
        }
        try {
            KvType.parse(kvType);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        if (orphanTimeout < 1) {
            throw new UserError("--orphan-timeout must be at least 1 second, got " + orphanTimeout);
        }
        if (maxBodyMb < 1) {
            throw new UserError("--max-body-mb must be at least 1, got " + maxBodyMb);
        }
        List<ModelSpec> specs;
        OnDemandConfig onDemand;
        try {
            specs = models.stream().map(m -> new ModelSpec(m.ref, m.alias, m.quantize, m.chatTemplateFile)).toList();
            if (specs.isEmpty()) {
                specs = fromEnv("JLLM_MODEL", ",").stream().map(r -> new ModelSpec(r, null)).toList();
            }
            List<java.nio.file.Path> dirs = new ArrayList<>(modelsDirs);
            if (dirs.isEmpty()) {
                fromEnv("JLLM_MODELS_DIR", java.io.File.pathSeparator).forEach(d -> dirs.add(java.nio.file.Path.of(d)));
            }
            onDemand = OnDemandConfig.defaults()
                    .withKeepAlive(Durations.parse(keepAlive))
                    .withMaxLoaded(maxLoaded)
                    .withMemoryBudget(memoryBudget == null || memoryBudget.isBlank() ? 0
                            : ByteSize.parse(memoryBudget))
                    .withModelsDirs(dirs)
                    .withPull(OnDemandConfig.Pull.parse(pull));
            for (java.nio.file.Path d : dirs) {
                if (!java.nio.file.Files.isDirectory(d)) {
                    throw new IllegalArgumentException("--models-dir " + d + " is not a directory");
                }
            }
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        List<String> origins = corsOrigins.isEmpty() ? fromEnv("JLLM_ORIGINS", ",") : corsOrigins;
        try {
            return ServerConfig.defaults().withHost(listen.host()).withPort(port).withModels(specs)
                    .withThreads(threads).withContextSize(ctx).withKvType(kvType).withParallel(parallel).withApiKey(apiKey)
                    .withCorsOrigins(origins).withMaxBodyBytes((long) maxBodyMb << 20).withOnDemand(onDemand)
                    .withJobs(JobLimits.defaults().withOrphanTimeout(java.time.Duration.ofSeconds(orphanTimeout)));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }
}
