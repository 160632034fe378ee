package dev.jllm.server.cli;

import dev.jllm.models.hf.HumanBytes;
import dev.jllm.models.store.ModelStore;
import dev.jllm.models.store.ModelStoreException;
import dev.jllm.models.store.PartialPull;
import dev.jllm.models.store.StoredModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;

/** {@code jllm rm REF...}: delete models from the store. */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = "Delete models from the store, or what a pull that stopped midway left (`jllm ls` shows it"
                + " as partial). Only models in the store can be deleted (never other paths).")
final class RmCommand extends StoreCommand {

    @Parameters(arity = "1..*", paramLabel = "REF", description = "Models as `jllm ls` names them (or any "
            + "reference to them).")
    List<String> refs;

    @Option(names = {"-f", "--force"}, description = "Delete even a model that is loaded.")
    boolean force;

    @Override
    void run(ModelStore store, PrintWriter out) {
        for (String ref : refs) {
            StoredModel m;
            try {
                m = store.remove(ref, force);
            } catch (ModelStoreException notAModel) {
                PartialPull p = store.removePartial(ref).orElseThrow(() -> notAModel);
                out.println("deleted partial pull " + p.name() + " (" + HumanBytes.format(p.bytesOnDisk()) + ")");
                out.flush();
                continue;
            }
            out.println("deleted " + m.name() + " (" + HumanBytes.format(m.size()) + ")");
            out.flush();
        }
    }
}
