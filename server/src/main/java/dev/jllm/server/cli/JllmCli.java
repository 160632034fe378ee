package dev.jllm.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code jllm} command line: one picocli subcommand per verb. */
@Command(name = "jllm",
        mixinStandardHelpOptions = true,
        versionProvider = JllmCli.Version.class,
        description = "Run LLMs on the JVM: a pure-Java engine, an OpenAI-compatible server and a proxy client.",
        subcommands = {ServeCommand.class, RunCommand.class, GenerateCommand.class, ShowCommand.class,
                TokenizeCommand.class, PullCommand.class, ListCommand.class, ConvertCommand.class, SynthCommand.class,
                BenchCommand.class, PsCommand.class, StopCommand.class, CopyCommand.class,
                RmCommand.class, CommandLine.HelpCommand.class})
public final class JllmCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static CommandLine commandLine() {
        return new CommandLine(new JllmCli()).setExecutionExceptionHandler(JllmCli::report);
    }

    /**
     * Errors reach users as one line naming the problem; the stack trace only with JLLM_DEBUG=1, since a
     * malformed file or a missing model is not a bug in jllm.
     */
    private static int report(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        cmd.getErr().println("jllm: " + msg);
        if ("1".equals(System.getenv("JLLM_DEBUG"))) {
            e.printStackTrace(cmd.getErr());
        }
        cmd.getErr().flush();
        return 1;
    }

    public static void main(String[] args) {
        quietLogging();
        System.exit(commandLine().execute(args));
    }

    /**
     * Interactive commands print their own output: engine logs would only clutter it, so the default level is
     * WARNING (JLLM_LOG_LEVEL=INFO or a command such as serve can raise it), on one line per record.
     */
    static void quietLogging() {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %3$s: %5$s%6$s%n");
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        java.util.logging.Level level;
        try {
            level = java.util.logging.Level.parse(System.getenv().getOrDefault("JLLM_LOG_LEVEL", "WARNING"));
        } catch (IllegalArgumentException e) {
            level = java.util.logging.Level.WARNING;
        }
        root.setLevel(level);
        for (java.util.logging.Handler h : root.getHandlers()) {
            h.setLevel(level);
            h.setFormatter(new java.util.logging.SimpleFormatter());
        }
    }

    /** Reads the version from the jar manifest, so that it always matches the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = JllmCli.class.getPackage().getImplementationVersion();
            return new String[] {"jllm " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
