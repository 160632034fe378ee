package dev.jllm.server.cli;

import dev.jllm.api.json.Json;
import dev.jllm.runtime.engine.GenerationOptions;
import dev.jllm.runtime.engine.GenerationResult;
import dev.jllm.runtime.engine.Generator;
import dev.jllm.runtime.engine.LocalModel;
import dev.jllm.runtime.sampling.SamplingParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code jllm generate}: a raw completion of a prompt, no chat template, BOS added as the model says, like
 * llama.cpp's {@code llama-completion -no-cnv}.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Continue a prompt (raw completion, no chat template). Temperature 0 is greedy.")
final class GenerateCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL", description = "GGUF file or model in the store.")
    String model;

    @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "The text to continue.")
    String prompt;

    @Option(names = {"-n", "--max-tokens"}, defaultValue = "256", paramLabel = "N",
            description = "Most tokens to generate; 0 = until the context is full (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0.8", paramLabel = "T", description = "Sampling temperature; 0 = greedy (default: ${DEFAULT-VALUE}).")
    float temperature;

    @Option(names = "--top-k", defaultValue = "40", paramLabel = "K", description = "Keep the K most likely tokens; 0 = off (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", defaultValue = "0.95", paramLabel = "P", description = "Nucleus sampling threshold (default: ${DEFAULT-VALUE}).")
    float topP;

    @Option(names = "--min-p", defaultValue = "0.05", paramLabel = "P", description = "Drop tokens below P x the top probability (default: ${DEFAULT-VALUE}).")
    float minP;

    @Option(names = "--seed", paramLabel = "S", description = "Seed for a reproducible run (default: random).")
    Long seed;

    @Mixin
    EngineHereOptions engine;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT",
            description = "text (stream the generated text) or json (one object at the end) (default: ${DEFAULT-VALUE}).")
    String format;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        boolean json = switch (format) {
            case "json" -> true;
            case "text" -> false;
            default -> throw new UserError("--format must be text or json, got '" + format + "'");
        };
        if (maxTokens < 0) {
            throw new UserError("--max-tokens must be 0 or more");
        }
        SamplingParams sampling;
        try {
            sampling = SamplingParams.defaults().withTemperature(temperature).withTopK(topK).withTopP(topP).withMinP(minP);
            if (seed != null) {
                sampling = sampling.withSeed(seed);
            }
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        engine.check();
        PrintWriter out = spec.commandLine().getOut();
        try (LocalModel m = LocalModel.load(model, ModelPaths.resolve(model), engine.settings(),
                engine.quantizeType())) {
            int[] tokens = m.tokenizer().encode(prompt, true, false);
            GenerationResult r = Generator.generate(m, tokens, new GenerationOptions(maxTokens, sampling, -1),
                    (text, token, lp) -> {
                        if (!json && !text.isEmpty()) {
                            out.print(text);
                            out.flush();
                        }
                        return true;
                    });
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("prompt_tokens", Arrays.stream(r.promptTokens()).boxed().toList());
                o.put("tokens", Arrays.stream(r.tokens()).boxed().toList());
                o.put("text", r.text());
                o.put("finish_reason", r.finishReason().wireName());
                out.println(Json.toJson(o));
            } else {
                out.println();
                spec.commandLine().getErr().printf("%n[%d prompt tokens at %.1f t/s, %d generated at %.1f t/s, %s]%n",
                        r.promptTokens().length, r.promptTokensPerSecond(), r.tokens().length,
                        r.decodeTokensPerSecond(), r.finishReason().wireName());
            }
            out.flush();
        }
        return 0;
    }
}
