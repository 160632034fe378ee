package dev.jllm.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code --key value} command lines of the bench tools; an unknown key or a missing value is an error. */
final class Args {
    private Args() {
    }

    static Map<String, String> parse(String[] args, Set<String> known) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("expected --option, got '" + a + "'");
            }
            String key = a.substring(2);
            if (!known.contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key + "; known: " + known);
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException("--" + key + " needs a value");
            }
            out.put(key, args[++i]);
        }
        return out;
    }

    static String require(Map<String, String> args, String key) {
        String v = args.get(key);
        if (v == null) {
            throw new IllegalArgumentException("--" + key + " is required");
        }
        return v;
    }

    /** The integer option {@code key}, or {@code fallback} when it is absent. */
    static int integer(Map<String, String> args, String key, int fallback) {
        String v = args.get(key);
        try {
            return v == null ? fallback : Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be an integer, got '" + v + "'");
        }
    }
}
