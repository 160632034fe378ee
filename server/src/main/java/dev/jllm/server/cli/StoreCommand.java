package dev.jllm.server.cli;

import dev.jllm.models.store.ModelStore;
import java.io.PrintWriter;
import java.util.function.Supplier;

/** A command on the model store under JLLM_HOME ({@code ls}, {@code pull}, {@code rm}): it needs no server. */
abstract class StoreCommand extends PrintingCommand {

    /** A seam for tests; the real store lives under JLLM_HOME. */
    Supplier<ModelStore> stores = ModelStore::openDefault;

    @Override
    final int run(PrintWriter out) {
        run(stores.get(), out);
        return 0;
    }

    /** Does the command's work; a failure is thrown (reported by {@link JllmCli} as one line). */
    abstract void run(ModelStore store, PrintWriter out);
}
