package dev.jllm.server.cli;

import dev.jllm.api.LlmException;
import dev.jllm.api.JllmHome;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;

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
final class RunCommand extends PrintingCommand {

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

    @Mixin
    EngineHereOptions engine;

    @Override
    int run(PrintWriter out) {
        PrintWriter err = spec.commandLine().getErr();
        ChatParameters params = parameters();
        engine.check();
        boolean terminal = prompt == null && System.console() != null && System.console().isTerminal();
        LineSource io = terminal ? TerminalLines.open(JllmHome.resolve().history()) : new StreamLines(System.in, out);
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
                if (engine.anyGiven()) {
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
        try {
            LocalBackend b = new LocalBackend(engine.localConfig(), model, progress);
            progress.finishLine();
            return b;
        } catch (RuntimeException e) {
            progress.finishLine();
            throw e;
        }
    }
}
