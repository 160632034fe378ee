package dev.jllm.server.ondemand;

import dev.jllm.api.AtomicFiles;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Names given to models with {@code ollama cp} / {@code jllm cp} ({@code POST /api/copy}): each maps a new name to
 * the name it copies, kept in {@code JLLM_HOME/aliases.json} (written whole to a temporary file, then moved, so a
 * crash never leaves half a file). A copy costs nothing on disk: it names the same files.
 *
 * <p>Names are Ollama's {@code [namespace/]name[:tag]}; a name without a tag means {@code :latest}, as in Ollama.
 */
public final class Aliases {

    private static final Pattern NAME = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9._-]{0,79}(/[A-Za-z0-9][A-Za-z0-9._-]{0,79})?(:[A-Za-z0-9][A-Za-z0-9._-]{0,79})?");

    private final Path file;
    private final Map<String, String> byName = new TreeMap<>();

    public Aliases(Path file) {
        this.file = file;
        load();
    }

    /** Whether {@code name} can be an alias; the caller turns false into a 400. */
    public static boolean valid(String name) {
        return name != null && NAME.matcher(name.strip()).matches() && !name.contains("..");
    }

    /** {@code name} with {@code :latest} added when it has no tag, lower-cased as Ollama compares names. */
    public static String normalize(String name) {
        String n = name.strip();
        int slash = n.lastIndexOf('/');
        if (n.indexOf(':', slash + 1) < 0) {
            n = n + ":latest";
        }
        return n.toLowerCase(Locale.ROOT);
    }

    public synchronized Optional<String> target(String name) {
        if (!valid(name)) {
            return Optional.empty();
        }
        return Optional.ofNullable(byName.get(normalize(name)));
    }

    /** The alias as it is stored (normalized), or empty. */
    public synchronized Optional<String> storedName(String name) {
        return valid(name) && byName.containsKey(normalize(name)) ? Optional.of(normalize(name)) : Optional.empty();
    }

    public synchronized void put(String name, String target) {
        byName.put(normalize(name), target);
        save();
    }

    public synchronized boolean remove(String name) {
        if (!valid(name) || byName.remove(normalize(name)) == null) {
            return false;
        }
        save();
        return true;
    }

    /** Removes every alias naming {@code target}; returns how many. */
    public synchronized int removeTargeting(String target) {
        int before = byName.size();
        byName.values().removeIf(target::equals);
        if (byName.size() != before) {
            save();
        }
        return before - byName.size();
    }

    public synchronized Map<String, String> all() {
        return Map.copyOf(byName);
    }

    private void load() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8); JsonReader jr = Json.createReader(r)) {
            JsonObject o = jr.readObject();
            for (Map.Entry<String, JsonValue> e : o.entrySet()) {
                if (valid(e.getKey()) && e.getValue() instanceof JsonString s) {
                    byName.put(normalize(e.getKey()), s.getString());
                }
            }
        } catch (IOException | RuntimeException e) {
            // A damaged file must not stop the server; its names are gone until copied again.
            System.getLogger(Aliases.class.getName()).log(System.Logger.Level.WARNING,
                    "ignoring unreadable " + file + ": " + e.getMessage());
        }
    }

    private void save() {
        JsonObjectBuilder b = Json.createObjectBuilder();
        byName.forEach(b::add);
        try {
            AtomicFiles.replace(file, b.build().toString(), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
