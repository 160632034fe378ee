package dev.jllm.server.cli;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@code jllm ps}: the models a running server has loaded, as {@code ollama ps} shows them. */
@Command(name = "ps", mixinStandardHelpOptions = true,
        description = {"List the models a running jllm server has loaded (the server at JLLM_HOST, default"
                + " 127.0.0.1:8080; JLLM_API_KEY if it needs a key)."})
final class PsCommand extends PrintingCommand {

    @Override
    int run(PrintWriter out) {
        JsonObject ps = ServerClient.fromEnvironment().get("/api/ps");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "SIZE", "CONTEXT", "UNTIL"});
        for (JsonValue v : ps.getJsonArray("models")) {
            JsonObject m = v.asJsonObject();
            rows.add(new String[] {m.getString("name", "?"), human(m.getJsonNumber("size").longValue()),
                    Integer.toString(m.getInt("context_length", 0)), until(m.getString("expires_at", ""))});
        }
        int[] w = new int[4];
        for (String[] r : rows) {
            for (int i = 0; i < 4; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            out.printf("%-" + w[0] + "s   %" + w[1] + "s   %" + w[2] + "s   %s%n", r[0], r[1], r[2], r[3]);
        }
        return 0;
    }

    static String human(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(java.util.Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (double) (1L << 20));
        }
        return String.format(java.util.Locale.ROOT, "%.1f KB", bytes / 1024.0);
    }

    private static String until(String expires) {
        try {
            Duration d = Duration.between(Instant.now(), Instant.parse(expires));
            if (d.toDays() > 365 * 100) {
                return "Forever";
            }
            if (d.isNegative()) {
                return "now";
            }
            return d.toHours() > 0 ? d.toHours() + " hours from now" : d.toMinutes() > 0 ? d.toMinutes()
                    + " minutes from now" : d.toSeconds() + " seconds from now";
        } catch (RuntimeException e) {
            return expires;
        }
    }
}
