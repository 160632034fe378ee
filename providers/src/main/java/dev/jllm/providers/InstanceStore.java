package dev.jllm.providers;

import dev.jllm.api.JllmHome;
import dev.jllm.api.LlmConfig;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.StringReader;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the instances created through the service in {@link JllmHome#instances()}, in creation order, so that
 * they come back after a restart: {@code {"name": {"type": "openai", "config": {"base_url": ..., ...}}}}. The
 * configs hold API keys, so the file is readable by its owner only (0600 where the file system has POSIX
 * permissions). Not thread-safe: its owner serializes calls.
 */
final class InstanceStore {

    private final StateFile file;
    private final Map<String, LlmConfig> saved = new LinkedHashMap<>();

    InstanceStore(JllmHome home) {
        this.file = new StateFile(home.instances(), "the saved instances", true);
    }

    /** The saved instances; an unreadable file or entry is skipped with a warning, never fatal. */
    Map<String, LlmConfig> load() {
        saved.clear();
        Optional<String> json = file.read();
        if (json.isEmpty()) {
            return Map.of();
        }
        JsonObject all;
        try (JsonReader r = Json.createReader(new StringReader(json.get()))) {
            all = r.readObject();
        } catch (RuntimeException e) {
            file.unusable("not valid JSON: " + e.getMessage());
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
                file.skipped("saved instance '" + e.getKey() + "'", ex.getMessage());
            }
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(saved)); // creation order
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
        file.delete();
    }

    private void write() {
        JsonObjectBuilder all = Json.createObjectBuilder();
        saved.forEach((name, config) -> {
            JsonObjectBuilder options = Json.createObjectBuilder();
            config.toMap().forEach(options::add);
            all.add(name, Json.createObjectBuilder().add("type", config.type()).add("config", options));
        });
        file.write(all.build().toString());
    }
}
