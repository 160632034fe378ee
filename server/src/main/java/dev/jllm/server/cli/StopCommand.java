package dev.jllm.server.cli;

import jakarta.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;

/** {@code jllm stop MODEL}: unloads a model from a running server (Ollama's generate with keep_alive 0). */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = {"Unload a model from a running jllm server (JLLM_HOST, default 127.0.0.1:8080). Models"
                + " pinned with `serve --model` stay loaded."})
final class StopCommand extends PrintingCommand {

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model, as `jllm ps` names it.")
    String model;

    @Override
    int run(PrintWriter out) {
        ServerClient.fromEnvironment().post("/api/generate", Json.createObjectBuilder().add("model", model)
                .add("keep_alive", 0).add("stream", false).build());
        return 0;
    }
}
