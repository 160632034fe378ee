package dev.jllm.server.cli;

import jakarta.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code jllm cp SOURCE DESTINATION}: a new name for a model on a running server (Ollama's copy). */
@Command(name = "cp", mixinStandardHelpOptions = true,
        description = {"Give a model a new name on a running jllm server (JLLM_HOST, default 127.0.0.1:8080). The"
                + " copy names the same files; it is kept in JLLM_HOME/aliases.json of the server."})
final class CopyCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SOURCE", description = "A model the server has (`jllm ls`, /api/tags).")
    String source;

    @Parameters(index = "1", paramLabel = "DESTINATION", description = "The new name: [namespace/]name[:tag].")
    String destination;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ServerClient.fromEnvironment().post("/api/copy", Json.createObjectBuilder().add("source", source)
                .add("destination", destination).build());
        spec.commandLine().getOut().println("copied '" + source + "' to '" + destination + "'");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
