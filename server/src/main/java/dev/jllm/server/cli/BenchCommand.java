package dev.jllm.server.cli;

import dev.jllm.api.json.Json;
import dev.jllm.models.gguf.GgufFile;
import dev.jllm.runtime.hf.OpenNetwork;
import dev.jllm.models.gguf.GgufSummary;
import dev.jllm.runtime.kv.KvType;
import dev.jllm.runtime.model.EngineOptions;
import dev.jllm.runtime.perf.ModelBench;
import dev.jllm.runtime.perf.Throughput;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jllm bench}: prompt and generation speed of a model, measured like llama-bench ({@code pp}: a prompt
 * as one batch, {@code tg}: tokens one at a time; mean and standard deviation over runs after a warm-up).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure prompt processing (pp) and token generation (tg) speed, like llama-bench.")
final class BenchCommand extends PrintingCommand {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "MODEL", description = "GGUF file or model in the store.")
    String model;

    @Option(names = {"-p", "--n-prompt"}, defaultValue = "128", paramLabel = "N",
            description = "Prompt tokens of the pp test; 0 skips it (default: ${DEFAULT-VALUE}).")
    int prompt;

    @Option(names = {"-n", "--n-gen"}, defaultValue = "64", paramLabel = "N",
            description = "Generated tokens of the tg test; 0 skips it (default: ${DEFAULT-VALUE}).")
    int gen;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", paramLabel = "N",
            description = "Kernel threads; 0 = one per physical core (default).")
    int threads;

    @Option(names = {"-r", "--repetitions"}, defaultValue = "3", paramLabel = "N",
            description = "Timed runs of each test, after untimed warm-up runs until two agree within 10%% and 2 s "
                    + "have passed (past 5 runs, the time alone) (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = {"-d", "--n-depth"}, defaultValue = "0", paramLabel = "N",
            description = "Positions already in the KV cache before each test, as llama-bench -d: tg at a long context"
                    + " (default: ${DEFAULT-VALUE}).")
    int depth;

    @Option(names = "--kv-type", defaultValue = "auto", paramLabel = "TYPE",
            description = KvType.HELP + " (default: ${DEFAULT-VALUE}).")
    String kvType;

    @Option(names = "--format", defaultValue = "text", paramLabel = "FORMAT", description = "text or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Override
    int run(PrintWriter out) throws Exception {
        boolean json = switch (format) {
            case "json" -> true;
            case "text" -> false;
            default -> throw new UserError("--format must be text or json, got '" + format + "'");
        };
        if (prompt < 0 || gen < 0 || prompt + gen == 0) {
            throw new UserError("-p and -n must be 0 or more, and not both 0");
        }
        if (runs < 1) {
            throw new UserError("-r must be at least 1");
        }
        if (threads < 0) {
            throw new UserError("-t must be 0 (one per physical core) or more");
        }
        if (depth < 0) {
            throw new UserError("-d must be 0 or more");
        }
        KvType kv;
        try {
            kv = KvType.parse(kvType);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        Path file = ModelPaths.resolve(model);
        EngineOptions options = EngineOptions.defaults();
        if (threads > 0) {
            options = options.withThreads(threads);
        }
        // A GGUF file or a Hugging Face directory, as everywhere a model is accepted.
        try (OpenNetwork net = OpenNetwork.open(file, options, null)) {
            String type = net.source() instanceof GgufFile gguf ? typeName(gguf) : "safetensors";
            ModelBench bench;
            ModelBench.Result r;
            try {
                bench = new ModelBench(net.network(), Math.max(prompt, gen), kv, depth);
                r = bench.run(prompt, gen, runs);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            String at = depth > 0 ? " @ d" + depth : "";
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("model", file.getFileName().toString());
                o.put("type", type);
                o.put("threads", options.threads());
                o.put("kv_type", kv.id());
                o.put("depth", depth);
                o.put("kv_depth_bytes", bench.kvUsedBytes());
                o.put("pp", result(r.pp()));
                o.put("tg", result(r.tg()));
                out.println(Json.toJson(o));
            } else {
                out.printf(Locale.ROOT, "| %-40s | %-8s | %7s | %4s | %14s | %20s |%n", "model", "type", "threads", "kv",
                        "test", "t/s");
                line(out, file, type, options.threads(), kv, "pp" + prompt + at, r.pp());
                line(out, file, type, options.threads(), kv, "tg" + gen + at, r.tg());
            }
            warnIfAllocating(spec.commandLine().getErr(), "pp", r.pp());
            warnIfAllocating(spec.commandLine().getErr(), "tg", r.tg());
            out.flush();
        }
        return 0;
    }

    /** llama.cpp's name of {@code general.file_type} (e.g. Q4_K_M), else the dominant weight type. */
    private static String typeName(GgufFile gguf) {
        String named = switch ((int) gguf.longValue("general.file_type", -1)) {
            case 0 -> "F32";
            case 1 -> "F16";
            case 2 -> "Q4_0";
            case 3 -> "Q4_1";
            case 7 -> "Q8_0";
            case 8 -> "Q5_0";
            case 9 -> "Q5_1";
            case 10 -> "Q2_K";
            case 11 -> "Q3_K_S";
            case 12 -> "Q3_K_M";
            case 13 -> "Q3_K_L";
            case 14 -> "Q4_K_S";
            case 15 -> "Q4_K_M";
            case 16 -> "Q5_K_S";
            case 17 -> "Q5_K_M";
            case 18 -> "Q6_K";
            case 25 -> "IQ4_NL";
            case 30 -> "IQ4_XS";
            case 32 -> "BF16";
            default -> null;
        };
        if (named != null) {
            return named;
        }
        GgufSummary s = GgufSummary.of(gguf);
        return s.fileType() == null ? "unknown" : s.fileType().name();
    }

    private static Map<String, Object> result(Throughput t) {
        if (t == null) {
            return null;
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("n", t.tokens());
        o.put("tps", round(t.tps()));
        o.put("sd", round(t.sd()));
        o.put("bytes_per_token", t.bytesPerToken());
        return o;
    }

    /**
     * A warm forward pass allocates next to nothing; megabytes per token mean boxed Vector API values (a kernel
     * helper the JIT left out of line), and a speed well below what the machine allows. Said, not hidden.
     */
    private static void warnIfAllocating(PrintWriter err, String test, Throughput t) {
        if (t != null && t.allocates()) {
            err.printf(Locale.ROOT, "jllm bench: the %s runs allocated %.1f MB of heap per token (a warm run allocates "
                    + "little besides its logits): the JIT boxed vector values in a kernel, so this speed is below the "
                    + "machine's; "
                    + "run again, and report it if it persists%n", test, t.bytesPerToken() / 1e6);
            err.flush();
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static void line(PrintWriter out, Path file, String type, int threads, KvType kv, String test,
                             Throughput t) {
        if (t != null) {
            out.printf(Locale.ROOT, "| %-40s | %-8s | %7d | %4s | %14s | %20s |%n", file.getFileName(), type, threads,
                    kv, test, String.format(Locale.ROOT, "%.2f ± %.2f", t.tps(), t.sd()));
        }
    }
}
