package dev.jllm.server.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * A command that prints its results to picocli's output (what tests capture): the writer is handed in and
 * flushed however the command ends, and a failure is thrown (reported by {@link JllmCli} as one line).
 */
abstract class PrintingCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try {
            return run(out);
        } finally {
            out.flush();
        }
    }

    /** @return the exit code */
    abstract int run(PrintWriter out) throws Exception;
}
