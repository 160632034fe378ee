package dev.jllm.server.cli;

import dev.jllm.models.hf.HumanBytes;
import dev.jllm.models.store.ModelStore;
import dev.jllm.models.store.PartialPull;
import dev.jllm.models.store.StoredModel;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** {@code jllm ls}: the models in the store, like {@code ollama ls}. */
@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true,
        description = "List the models in the store: name, size, quantization, architecture, when pulled; then"
                + " the pulls that stopped midway (resume them with `jllm pull`, remove them with `jllm rm`).")
final class ListCommand extends StoreCommand {
    private static final String[] HEADER = {"NAME", "SIZE", "QUANTIZATION", "ARCHITECTURE", "PULLED"};

    @Override
    void run(ModelStore store, PrintWriter out) {
        List<StoredModel> models = store.list();
        List<PartialPull> partials = store.partials();
        if (models.isEmpty() && partials.isEmpty()) {
            out.println("no models in " + store.root() + "; pull one with `jllm pull hf.co/OWNER/REPO[:QUANT]`");
            return;
        }
        Instant now = Instant.now();
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (StoredModel m : models) {
            rows.add(new String[] {m.name(), HumanBytes.format(m.size()), orDash(m.manifest().quantization()),
                    orDash(m.manifest().architecture()), ago(m.manifest().pulledAt(), now)});
        }
        for (PartialPull p : partials) {
            // what a stopped pull left is shown for what it is, so that nothing in the store goes unseen
            rows.add(new String[] {p.name(), HumanBytes.format(p.bytesOnDisk()), "-", "-", p.describe()});
        }
        int[] widths = new int[HEADER.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                b.append(i == r.length - 1 ? r[i] : String.format("%-" + (widths[i] + 3) + "s", r[i]));
            }
            out.println(b.toString().stripTrailing());
        }
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }

    /** "5 minutes ago", as {@code ollama ls} prints it; a date beyond a month. */
    static String ago(Instant then, Instant now) {
        Duration d = Duration.between(then, now);
        if (d.isNegative() || d.toSeconds() < 60) {
            return "just now";
        }
        if (d.toMinutes() < 60) {
            return plural(d.toMinutes(), "minute") + " ago";
        }
        if (d.toHours() < 24) {
            return plural(d.toHours(), "hour") + " ago";
        }
        if (d.toDays() < 31) {
            return plural(d.toDays(), "day") + " ago";
        }
        return DateTimeFormatter.ISO_LOCAL_DATE.format(then.atZone(ZoneId.systemDefault()));
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
