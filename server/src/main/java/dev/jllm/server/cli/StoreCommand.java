package dev.jllm.server.cli;

import dev.jllm.models.store.ModelStore;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/** A command on the model store under JLLM_HOME ({@code ls}, {@code pull}, {@code rm}): it needs no server. */
abstract class StoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** A seam for tests; the real store lives under JLLM_HOME. */
    Supplier<ModelStore> stores = ModelStore::openDefault;

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            run(stores.get(), out);
        } finally {
            out.flush();
        }
        return 0;
    }

    /** Does the command's work; a failure is thrown (reported by {@link JllmCli} as one line). */
    abstract void run(ModelStore store, PrintWriter out);
}
