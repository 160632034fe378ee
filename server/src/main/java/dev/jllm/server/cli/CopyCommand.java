package dev.jllm.server.cli;

import jakarta.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

/** {@code jllm cp SOURCE DESTINATION}: a new name for a model on a running server (Ollama's copy). */
@Command(name = "cp", mixinStandardHelpOptions = true,
        description = {"Give a model a new name on a running jllm server (JLLM_HOST, default 127.0.0.1:8080). The"
                + " copy names the same files; it is kept in JLLM_HOME/aliases.json of the server."})
final class CopyCommand extends PrintingCommand {

    @Parameters(index = "0", paramLabel = "SOURCE", description = "A model the server has (`jllm ls`, /api/tags).")
    String source;

    @Parameters(index = "1", paramLabel = "DESTINATION", description = "The new name: [namespace/]name[:tag].")
    String destination;

    @Override
    int run(PrintWriter out) {
        ServerClient.fromEnvironment().post("/api/copy", Json.createObjectBuilder().add("source", source)
                .add("destination", destination).build());
        out.println("copied '" + source + "' to '" + destination + "'");
        return 0;
    }
}
