package dev.jllm.providers;

import dev.jllm.api.LlmConfig;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmException.Kind;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keeps the instances created through the service in {@code <home>/instances.json}, in creation order, so that
 * they come back after a restart: {@code {"name": {"type": "openai", "config": {"base_url": ..., ...}}}}. The
 * configs hold API keys, so the file is readable by its owner only (0600 where the file system has POSIX
 * permissions). Written to a temporary file that replaces the old one atomically. Not thread-safe: its owner
 * serializes calls.
 */
final class InstanceStore {

    static final String FILE = "instances.json";
    private static final System.Logger LOG = System.getLogger(InstanceStore.class.getName());
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path home;
    private final Path file;
    private final Map<String, LlmConfig> saved = new LinkedHashMap<>();

    InstanceStore(Path home) {
        this.home = home;
        this.file = home.resolve(FILE);
    }

    /** The saved instances; an unreadable file or entry is skipped with a warning, never fatal. */
    Map<String, LlmConfig> load() {
        saved.clear();
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read " + file + ": " + e.getMessage()
                    + "; starting without the saved instances");
            return Map.of();
        }
        JsonObject all;
        try (JsonReader r = Json.createReader(new StringReader(json))) {
            all = r.readObject();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, file + " is not valid JSON (" + e.getMessage()
                    + "); starting without the saved instances");
            return Map.of();
        }
        for (Map.Entry<String, JsonValue> e : all.entrySet()) {
            try {
                JsonObject o = e.getValue().asJsonObject();
                Map<String, String> options = new LinkedHashMap<>();
                for (Map.Entry<String, JsonValue> c : o.getJsonObject("config").entrySet()) {
                    options.put(c.getKey(), ((JsonString) c.getValue()).getString());
                }
                saved.put(e.getKey(), LlmConfig.fromMap(o.getString("type"), options));
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "skipping saved instance '" + e.getKey() + "' in " + file + ": "
                        + ex.getMessage());
            }
        }
        return Map.copyOf(saved);
    }

    void put(String name, LlmConfig config) {
        saved.remove(name);
        saved.put(name, config);
        write();
    }

    void remove(String name) {
        if (saved.remove(name) != null) {
            write();
        }
    }

    void clear() {
        saved.clear();
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new LlmException(Kind.INTERNAL, "cannot clear the saved instances at " + file + ": "
                    + e.getMessage(), e);
        }
    }

    private void write() {
        JsonObjectBuilder all = Json.createObjectBuilder();
        saved.forEach((name, config) -> {
            JsonObjectBuilder options = Json.createObjectBuilder();
            config.toMap().forEach(options::add);
            all.add(name, Json.createObjectBuilder().add("type", config.type()).add("config", options));
        });
        try {
            Files.createDirectories(home);
            Path tmp = POSIX ? Files.createTempFile(home, FILE, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(home, FILE, ".tmp");
            try {
                Files.writeString(tmp, all.build().toString(), StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new LlmException(Kind.INTERNAL, "cannot save the instances to " + file + ": " + e.getMessage(), e);
        }
    }
}
