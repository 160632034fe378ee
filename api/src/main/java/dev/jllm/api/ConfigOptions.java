package dev.jllm.api;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Reads configs from string options (command line, JSON objects): {@link LlmConfig#fromMap}. */
final class ConfigOptions {

    static final String BASE_URL = "base_url";
    static final String API_KEY = "api_key";
    static final String CONNECT_TIMEOUT = "connect_timeout";
    static final String REQUEST_TIMEOUT = "request_timeout";
    static final String IDLE_TIMEOUT = "idle_timeout";

    static final String MODEL = "model";
    static final String THREADS = "threads";
    static final String CONTEXT_SIZE = "context_size";
    static final String BATCH_SIZE = "batch_size";
    static final String PARALLEL = "parallel";
    static final String KV_TYPE = "kv_type";

    private static final List<String> HTTP_KEYS =
            List.of(BASE_URL, API_KEY, CONNECT_TIMEOUT, REQUEST_TIMEOUT, IDLE_TIMEOUT);
    private static final List<String> TYPES =
            List.of(LlmConfig.OPENAI, LlmConfig.OLLAMA, LlmConfig.LMSTUDIO, LlmConfig.LOCAL);

    private ConfigOptions() { }

    static LlmConfig parse(String type, Map<String, String> options) {
        if (type == null || type.isBlank()) {
            throw LlmException.invalid("instance type is missing; known types: " + String.join(", ", TYPES));
        }
        String t = type.strip().toLowerCase(Locale.ROOT);
        Map<String, String> opts = new HashMap<>(options == null ? Map.of() : options);
        return switch (t) {
            case LlmConfig.OPENAI -> {
                checkKeys(t, opts, HTTP_KEYS);
                String key = opts.get(API_KEY);
                if (key == null || key.isBlank()) {
                    throw LlmException.invalid("openai instances need the option '" + API_KEY + "'");
                }
                yield new OpenAiConfig(key, opts.get(BASE_URL), timeouts(opts));
            }
            case LlmConfig.OLLAMA -> {
                checkKeys(t, opts, HTTP_KEYS);
                yield new OllamaConfig(opts.get(BASE_URL), opts.get(API_KEY), timeouts(opts));
            }
            case LlmConfig.LMSTUDIO -> {
                checkKeys(t, opts, HTTP_KEYS);
                yield new LmStudioConfig(opts.get(BASE_URL), opts.get(API_KEY), timeouts(opts));
            }
            case LlmConfig.LOCAL -> local(opts);
            default -> registered(type, t, opts);
        };
    }

    /** A type this module does not know: read by the factory registered for it, if any. */
    private static LlmConfig registered(String type, String t, Map<String, String> opts) {
        Providers providers = Providers.load();
        if (!providers.supports(t)) {
            Set<String> known = new TreeSet<>(providers.types());
            known.removeAll(TYPES);
            List<String> all = new java.util.ArrayList<>(TYPES);
            all.addAll(known);
            throw LlmException.invalid("unknown instance type '" + type + "'; known types: " + String.join(", ", all));
        }
        LlmConfig config = providers.factory(t).config(Map.copyOf(opts));
        if (config == null || !t.equals(config.type())) {
            throw new LlmException(LlmException.Kind.INTERNAL, "the provider for '" + t + "' read a config of type '"
                    + (config == null ? null : config.type()) + "'");
        }
        return config;
    }

    private static LocalConfig local(Map<String, String> opts) {
        LocalConfig d = LocalConfig.defaults();
        String model = opts.remove(MODEL);
        int threads = intOption(opts.remove(THREADS), THREADS, d.threads());
        int context = intOption(opts.remove(CONTEXT_SIZE), CONTEXT_SIZE, d.contextSize());
        int batch = intOption(opts.remove(BATCH_SIZE), BATCH_SIZE, d.batchSize());
        int parallel = intOption(opts.remove(PARALLEL), PARALLEL, d.parallel());
        String kv = opts.remove(KV_TYPE);
        return new LocalConfig(model, threads, context, batch, parallel, kv, opts);
    }

    private static void checkKeys(String type, Map<String, String> opts, List<String> known) {
        Set<String> unknown = new TreeSet<>(opts.keySet());
        known.forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            throw LlmException.invalid("unknown option" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown.stream().map(k -> "'" + k + "'").toList())
                    + " for " + type + " instances; known: " + String.join(", ", known));
        }
    }

    private static HttpTimeouts timeouts(Map<String, String> opts) {
        HttpTimeouts d = HttpTimeouts.DEFAULTS;
        return new HttpTimeouts(
                duration(opts.get(CONNECT_TIMEOUT), CONNECT_TIMEOUT, d.connect()),
                duration(opts.get(REQUEST_TIMEOUT), REQUEST_TIMEOUT, d.request()),
                duration(opts.get(IDLE_TIMEOUT), IDLE_TIMEOUT, d.idle()));
    }

    private static int intOption(String value, String key, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw LlmException.invalid("option '" + key + "' must be an integer, got '" + value + "'");
        }
    }

    /** "30s", "500ms", "2m", "1h", plain seconds, or ISO-8601 ("PT30S"). */
    static Duration duration(String value, String key, Duration fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("pt") || v.startsWith("p")) {
                return Duration.parse(value.strip().toUpperCase(Locale.ROOT));
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).strip()));
            }
            char unit = v.charAt(v.length() - 1);
            if (Character.isDigit(unit)) {
                return Duration.ofSeconds(Long.parseLong(v));
            }
            long n = Long.parseLong(v.substring(0, v.length() - 1).strip());
            return switch (unit) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw LlmException.invalid("option '" + key + "' must be a duration like 30s, 500ms, 2m or PT30S, got '"
                    + value + "'");
        }
    }
}
