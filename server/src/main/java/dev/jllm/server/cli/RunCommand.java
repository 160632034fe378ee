package dev.jllm.server.cli;

import dev.jllm.api.LlmException;
import dev.jllm.api.LocalConfig;
import dev.jllm.runtime.kv.KvType;
import dev.jllm.providers.JllmHome;
import dev.jllm.runtime.engine.LocalLlm;
import dev.jllm.server.cli.repl.ChatBackend;
import dev.jllm.server.cli.repl.Conversation;
import dev.jllm.server.cli.repl.LineSource;
import dev.jllm.server.cli.repl.LocalBackend;
import dev.jllm.server.cli.repl.ChatParameters;
import dev.jllm.server.cli.repl.RemoteBackend;
import dev.jllm.server.cli.repl.Repl;
import dev.jllm.server.cli.repl.ReplError;
import dev.jllm.server.cli.repl.ServerAddress;
import dev.jllm.server.cli.repl.StreamLines;
import dev.jllm.server.cli.repl.TerminalLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code jllm run MODEL [PROMPT]}: chat with a model in the terminal, like {@code ollama run}. Answers come from
 * the {@code jllm serve} at {@code JLLM_HOST} when one answers there and serves the model, else from the engine in
 * this process. On a terminal it is a line-editing chat ({@link Repl}); with a PROMPT it answers once and exits;
 * from a pipe each line is one message, answered in turn, without prompts.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Chat with a model in the terminal (one answer and exit when PROMPT is given; from a pipe,"
                + " each line is a message).",
                "Answers come from the jllm serve at JLLM_HOST (default " + ServerAddress.DEFAULT + "; JLLM_API_KEY"
                        + " is its key) when it serves MODEL, else from the engine in this process.",
                "In the chat: /? lists the commands (/set parameter, /set system, /show info, /clear, /load, /bye);"
                        + " \"\"\" starts and ends a message of several lines; Ctrl-C stops an answer; Ctrl-D or"
                        + " /bye ends the chat. The input history is kept in JLLM_HOME/history.",
                "When the conversation outgrows the context, its oldest turns are dropped (the system message"
                        + " stays)."},
        footerHeading = "%nEnvironment:%n",
        footer = {"  JLLM_HOST      a running jllm serve: HOST[:PORT] or http://HOST:PORT",
                "  JLLM_API_KEY   its API key, if it wants one",
                "  JLLM_HOME      where the history and the model store are (default ~/.jllm)"})
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF file, model in the store, or Hugging Face reference (pulled when missing).")
    String model;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PROMPT", description = "Answer this once and exit.")
    String prompt;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message to start the conversation with.")
    String system;

    @Option(names = {"-n", "--max-tokens"}, defaultValue = "1024", paramLabel = "N", description = "Most tokens per answer; -1 = until the context is full (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.8", paramLabel = "T", description = "Sampling temperature; 0 = greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--seed", paramLabel = "S", description = "Seed for reproducible answers.")
    Long seed;

    @Option(names = "--local", description = "Run the model in this process even when a server answers at JLLM_HOST.")
    boolean local;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", paramLabel = "N", description = "Kernel threads; 0 = all processors (default). In-process only.")
    int threads;

    @Option(names = {"-c", "--ctx"}, defaultValue = "0", paramLabel = "N", description = "Context size in tokens; 0 = the model's (default). In-process only.")
    int ctx;

    @Option(names = "--quantize", paramLabel = "TYPE",
            description = "Quantize float weights at load time: q8_0 or q4_0 (faster and smaller, not exact). In-process only.")
    String quantize;

    @Option(names = "--kv-type", paramLabel = "TYPE", description = KvType.HELP + " (default). In-process only.")
    String kvType;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ChatParameters params = parameters();
        if (threads < 0 || ctx < 0) {
            throw new UserError("--threads and --ctx must not be negative");
        }
        if (kvType != null) {
            try {
                KvType.parse(kvType);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
        }
        boolean terminal = prompt == null && System.console() != null && System.console().isTerminal();
        LineSource io = terminal ? TerminalLines.open(JllmHome.resolve().resolve("history")) : new StreamLines(System.in, out);
        try (io; ChatBackend backend = backend(err, terminal ? new ServeProgressPrinter(err, true, io::width)
                : new ServeProgressPrinter(err))) {
            Conversation conversation = new Conversation(system);
            Repl repl = new Repl(io, backend, conversation, params, ModelSummaryRows::of);
            if (prompt != null) {
                return repl.answerOnce(prompt) ? 0 : 1;
            }
            repl.run();
            return 0;
        }
    }

    /** The command line's sampling options, checked as {@code /set parameter} checks them. */
    private ChatParameters parameters() {
        ChatParameters p = new ChatParameters();
        try {
            p.set("temperature", List.of(Double.toString(temperature)));
            p.set("num_predict", List.of(Integer.toString(maxTokens)));
            if (seed != null) {
                p.set("seed", List.of(Long.toString(seed)));
            }
        } catch (ReplError e) {
            throw new UserError(e.getMessage().replace("num_predict", "--max-tokens").replace("temperature", "--temperature"));
        }
        return p;
    }

    /** The server at JLLM_HOST when it serves the model (and --local is not given), else the engine here. */
    private ChatBackend backend(PrintWriter err, ServeProgressPrinter progress) {
        String why;
        if (local) {
            why = "--local";
        } else {
            String base;
            try {
                base = ServerAddress.baseUrl(System.getenv(ServerAddress.ENV));
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            StringBuilder reason = new StringBuilder();
            Optional<RemoteBackend> remote;
            try {
                remote = RemoteBackend.connect(base, System.getenv("JLLM_API_KEY"), model, reason);
            } catch (LlmException e) {
                throw new UserError(e.getMessage());
            }
            if (remote.isPresent()) {
                if (ctx != 0 || threads != 0 || quantize != null || kvType != null) {
                    remote.get().close();
                    throw new UserError("--ctx, --threads, --quantize and --kv-type set up the engine in this process, but "
                            + base + " serves " + model + " with its own settings: add --local to run it here");
                }
                err.println("jllm: " + remote.get().describe());
                err.flush();
                return remote.get();
            }
            why = reason.toString();
        }
        err.println("jllm: running in this process (" + why + ")");
        err.flush();
        LocalConfig config = LocalConfig.defaults().withThreads(threads).withContextSize(ctx).withKvType(kvType);
        if (quantize != null) {
            config = config.withOption(LocalLlm.QUANTIZE, quantize);
        }
        try {
            LocalBackend b = new LocalBackend(config, model, progress);
            progress.finishLine();
            return b;
        } catch (RuntimeException e) {
            progress.finishLine();
            throw e;
        }
    }
}
