package dev.jllm.server.cli;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.runtime.engine.LocalLlm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code jllm run MODEL [PROMPT]}: chat with a model in the terminal, like {@code ollama run}. The model's chat
 * template shapes the conversation; tokens are printed as they come. With a prompt it answers once and exits.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Chat with a model in the terminal (one answer and exit when PROMPT is given).",
                "In the chat: /bye or Ctrl-D ends it, /clear forgets the conversation."})
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "GGUF file, model in the store, or Hugging Face reference (pulled when missing).")
    String model;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PROMPT", description = "Answer this once and exit.")
    String prompt;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message to start the conversation with.")
    String system;

    @Option(names = {"-n", "--max-tokens"}, defaultValue = "1024", paramLabel = "N", description = "Most tokens per answer (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.8", paramLabel = "T", description = "Sampling temperature; 0 = greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--seed", paramLabel = "S", description = "Seed for reproducible answers.")
    Long seed;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", paramLabel = "N", description = "Kernel threads; 0 = all processors (default).")
    int threads;

    @Option(names = {"-c", "--ctx"}, defaultValue = "0", paramLabel = "N", description = "Context size in tokens; 0 = the model's (default).")
    int ctx;

    @Option(names = "--quantize", paramLabel = "TYPE",
            description = "Quantize float weights at load time: q8_0 or q4_0 (faster and smaller, not exact).")
    String quantize;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String ref = model;
        LocalConfig config = LocalConfig.defaults().withThreads(threads).withContextSize(ctx);
        if (quantize != null) {
            config = config.withOption(LocalLlm.QUANTIZE, quantize);
        }
        try (LocalLlm llm = new LocalLlm("run", config)) {
            llm.serve(ref, new ServeProgressPrinter(err));
            List<ChatMessage> conversation = new ArrayList<>();
            if (system != null) {
                conversation.add(ChatMessage.system(system));
            }
            if (prompt != null) {
                conversation.add(ChatMessage.user(prompt));
                answer(llm, ref, conversation, out);
                return 0;
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            boolean tty = System.console() != null && System.console().isTerminal();
            while (true) {
                if (tty) {
                    out.print(">>> ");
                    out.flush();
                }
                String line = in.readLine();
                if (line == null || line.strip().equals("/bye")) {
                    return 0;
                }
                if (line.isBlank()) {
                    continue;
                }
                if (line.strip().equals("/clear")) {
                    conversation.removeIf(m -> !"system".equals(m.role()));
                    out.println("(conversation cleared)");
                    continue;
                }
                conversation.add(ChatMessage.user(line));
                String reply = answer(llm, ref, conversation, out);
                conversation.add(ChatMessage.assistant(reply));
                out.println();
            }
        }
    }

    private String answer(LocalLlm llm, String ref, List<ChatMessage> conversation, PrintWriter out) {
        ChatCompletionRequest.Builder req = ChatCompletionRequest.builder().model(ref).messages(conversation)
                .maxTokens(maxTokens).temperature(temperature);
        if (seed != null) {
            req.seed(seed);
        }
        StringBuilder reply = new StringBuilder();
        try (ChatCompletionStream s = llm.chatCompletionStream(req.build())) {
            for (ChatCompletionChunk c : s) {
                String t = c.text();
                if (!t.isEmpty()) {
                    reply.append(t);
                    out.print(t);
                    out.flush();
                }
            }
        }
        out.println();
        out.flush();
        return reply.toString();
    }
}
