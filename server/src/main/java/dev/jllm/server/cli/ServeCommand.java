package dev.jllm.server.cli;

import dev.jllm.providers.LlmServiceMain;
import dev.jllm.server.JllmServer;
import dev.jllm.server.ModelSpec;
import dev.jllm.server.Readiness;
import dev.jllm.server.ServerConfig;
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
        description = {"Serve models over an OpenAI-compatible HTTP API (and the jobs API proxies use).",
                "The first --model becomes the current model. Without --model the server starts empty;"
                        + " instances can then be created through the jobs API."})
final class ServeCommand implements Callable<Integer> {

    /** One {@code --model REF [--alias NAME] [--quantize TYPE] [--chat-template-file FILE]} group. */
    static final class ModelOption {
        @Option(names = "--model", required = true, paramLabel = "REF",
                description = "A model to load at start: a .gguf file, a Hugging Face model directory, a model"
                        + " store name or a Hugging Face reference. Repeatable.")
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

    @Option(names = "--host", defaultValue = ServerConfig.DEFAULT_HOST, showDefaultValue = Visibility.ALWAYS,
            description = "Address to listen on.")
    String host;

    @Option(names = "--port", defaultValue = "8080", showDefaultValue = Visibility.ALWAYS,
            description = "Port to listen on (0 picks a free one).")
    int port;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "Kernel threads per local model (default: one per processor).")
    int threads;

    @Option(names = "--ctx", defaultValue = "0", paramLabel = "N",
            description = "Context size in tokens per sequence (default: the model's).")
    int ctx;

    @Option(names = "--parallel", defaultValue = "4", paramLabel = "N", showDefaultValue = Visibility.ALWAYS,
            description = "Generations at once per model; more wait in line.")
    int parallel;

    @Option(names = "--api-key", paramLabel = "KEY", defaultValue = "${env:JLLM_API_KEY}",
            showDefaultValue = Visibility.NEVER,
            description = "Require this key as 'Authorization: Bearer KEY' on every endpoint but /health"
                    + " (default: the JLLM_API_KEY environment variable; none if unset).")
    String apiKey;

    @Option(names = "--cors-origin", paramLabel = "ORIGIN",
            description = "Allow browser calls from this origin ('*' for any). Repeatable.")
    List<String> corsOrigins = new ArrayList<>();

    @Option(names = "--max-body-mb", defaultValue = "16", paramLabel = "MB", showDefaultValue = Visibility.ALWAYS,
            description = "Largest request body accepted, in MiB.")
    int maxBodyMb;

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
        if (port < 0 || port > 65535) {
            throw new UserError("--port must be within 0..65535, got " + port);
        }
        if (threads < 0 || ctx < 0) {
            throw new UserError("--threads and --ctx must not be negative");
        }
        if (parallel < 1) {
            throw new UserError("--parallel must be at least 1, got " + parallel);
        }
        if (maxBodyMb < 1) {
            throw new UserError("--max-body-mb must be at least 1, got " + maxBodyMb);
        }
        List<ModelSpec> specs;
        try {
            specs = models.stream().map(m -> new ModelSpec(m.ref, m.alias, m.quantize, m.chatTemplateFile)).toList();
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        try {
            return ServerConfig.defaults().withHost(host).withPort(port).withModels(specs).withThreads(threads)
                    .withContextSize(ctx).withParallel(parallel).withApiKey(apiKey).withCorsOrigins(corsOrigins)
                    .withMaxBodyBytes((long) maxBodyMb << 20);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }
}
