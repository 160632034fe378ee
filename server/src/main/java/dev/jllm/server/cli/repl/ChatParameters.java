package dev.jllm.server.cli.repl;

import dev.jllm.api.contract.OpenAiRules;
import dev.jllm.api.contract.Range;
import dev.jllm.api.openai.ChatCompletionRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sampling parameters {@code /set parameter} changes, under Ollama's names, checked against the ranges the
 * server accepts so that a bad value is refused when typed, not at the next answer. {@code num_ctx} is not here:
 * it changes the loaded model, so the backend handles it.
 */
public final class ChatParameters {
    /** Every name {@code /set parameter} knows, in the order {@code /show parameters} lists them. */
    public static final List<String> NAMES = List.of("temperature", "top_p", "top_k", "min_p", "seed", "num_predict",
            "stop", "repeat_penalty", "presence_penalty", "frequency_penalty", "num_ctx");

    private final Map<String, Object> values = new LinkedHashMap<>();

    /**
     * Sets one parameter from its typed words ({@code stop} takes one or more strings, every other one value).
     *
     * @throws ReplError naming the problem: unknown name, missing or malformed value, out of range
     */
    public void set(String name, List<String> words) {
        String key = name.toLowerCase(Locale.ROOT);
        if (!NAMES.contains(key)) {
            throw new ReplError("unknown parameter '" + name + "'; known: " + String.join(", ", NAMES));
        }
        if (words.isEmpty()) {
            throw new ReplError("give a value: /set parameter " + key + " VALUE");
        }
        if (key.equals("stop")) {
            values.put(key, List.copyOf(words));
            return;
        }
        if (words.size() > 1) {
            throw new ReplError(key + " takes one value, got " + words.size() + ": " + String.join(" ", words));
        }
        String v = words.getFirst();
        Object parsed = switch (key) {
            case "temperature" -> number(OpenAiRules.TEMPERATURE, v);
            case "top_p" -> number(OpenAiRules.TOP_P, v);
            case "min_p" -> number(OpenAiRules.MIN_P, v);
            case "presence_penalty" -> number(OpenAiRules.PRESENCE_PENALTY, v);
            case "frequency_penalty" -> number(OpenAiRules.FREQUENCY_PENALTY, v);
            case "repeat_penalty" -> number(OpenAiRules.REPEAT_PENALTY, v);
            case "top_k" -> integer(key, v, 0);
            case "num_predict" -> numPredict(v);
            case "num_ctx" -> integer(key, v, 1);
            case "seed" -> seed(v);
            default -> throw new IllegalStateException(key);
        };
        values.put(key, parsed);
    }

    /** Puts back a parameter's earlier value (null: not set), when what it was set for could not be done. */
    public void restore(String name, Object previous) {
        if (previous == null) {
            values.remove(name);
        } else {
            values.put(name, previous);
        }
    }

    /** A parameter's value (null when not set). */
    public Object get(String name) {
        return values.get(name);
    }

    /** The parameters that are set, in {@link #NAMES} order. */
    public Map<String, Object> set() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String n : NAMES) {
            if (values.containsKey(n)) {
                m.put(n, values.get(n));
            }
        }
        return m;
    }

    /** Writes the sampling parameters into a request; those not set are left to the model's defaults. */
    @SuppressWarnings("unchecked")
    public ChatCompletionRequest.Builder applyTo(ChatCompletionRequest.Builder b) {
        values.forEach((k, v) -> {
            switch (k) {
                case "temperature" -> b.temperature((Double) v);
                case "top_p" -> b.topP((Double) v);
                case "top_k" -> b.topK((Integer) v);
                case "min_p" -> b.minP((Double) v);
                case "seed" -> b.seed((Long) v);
                // -1, Ollama's "no limit", sends none: the answer may then run until the context is full.
                case "num_predict" -> b.maxTokens((Integer) v < 0 ? null : (Integer) v);
                case "stop" -> b.stop(new ArrayList<>((List<String>) v));
                case "repeat_penalty" -> b.repeatPenalty((Double) v);
                case "presence_penalty" -> b.presencePenalty((Double) v);
                case "frequency_penalty" -> b.frequencyPenalty((Double) v);
                default -> { } // num_ctx: the backend's, not the request's
            }
        });
        return b;
    }

    /** A number held to the same rule the server and the engines apply (dev.jllm.api.contract). */
    private static double number(Range rule, String v) {
        double d = parseDouble(rule.name(), v);
        if (!rule.allows(d)) {
            throw new ReplError(rule.name() + " " + rule.expectation() + ", got " + v);
        }
        return d;
    }

    private static double parseDouble(String key, String v) {
        try {
            double d = Double.parseDouble(v);
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new ReplError(key + " must be a number, got '" + v + "'");
        }
    }

    private static int integer(String key, String v, int min) {
        int i;
        try {
            i = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ReplError(key + " must be a whole number, got '" + v + "'");
        }
        if (i < min) {
            throw new ReplError(key + " must be at least " + min + ", got " + v);
        }
        return i;
    }

    private static int numPredict(String v) {
        int i;
        try {
            i = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ReplError("num_predict must be a whole number, got '" + v + "'");
        }
        if (i == 0 || i < -1) {
            throw new ReplError("num_predict must be at least 1, or -1 for no limit, got " + v);
        }
        return i;
    }

    private static long seed(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new ReplError("seed must be a whole number, got '" + v + "'");
        }
    }
}
