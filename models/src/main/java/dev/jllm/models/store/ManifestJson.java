package dev.jllm.models.store;

import dev.jllm.api.AtomicFiles;
import dev.jllm.models.hf.ModelFormat;
import dev.jllm.models.hf.RepoFile;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriter;
import jakarta.json.stream.JsonGenerator;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads and writes {@link ModelManifest}s as small JSON files; a write is atomic (temporary file, then rename). */
final class ManifestJson {
    /** Bumped when the format changes incompatibly; readers refuse versions they do not know. */
    static final int VERSION = 1;
    private static final int MAX_BYTES = 4 << 20;

    private ManifestJson() {
    }

    static void write(ModelManifest m, Path file) throws IOException {
        JsonArrayBuilder files = Json.createArrayBuilder();
        for (ModelManifest.File f : m.files()) {
            JsonObjectBuilder fb = Json.createObjectBuilder().add("path", f.path()).add("size", f.size());
            putIfSet(fb, "sha256", f.sha256());
            putIfSet(fb, "gitOid", f.gitOid());
            files.add(fb);
        }
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("version", VERSION)
                .add("name", m.name())
                .add("repo", m.repo())
                .add("tag", m.tag())
                .add("format", m.format().name().toLowerCase(java.util.Locale.ROOT))
                .add("primary", m.primary())
                .add("size", m.size())
                .add("files", files)
                .add("pulledAt", m.pulledAt().toString());
        putIfSet(b, "endpoint", m.endpoint());
        putIfSet(b, "revision", m.revision());
        putIfSet(b, "commit", m.commit());
        putIfSet(b, "quantization", m.quantization());
        putIfSet(b, "architecture", m.architecture());
        // Concurrent pulls of one model each write a whole manifest; the last one wins.
        StringWriter text = new StringWriter();
        try (JsonWriter w = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true)).createWriter(text)) {
            w.writeObject(b.build());
        }
        AtomicFiles.replace(file, text.toString(), false);
    }

    private static void putIfSet(JsonObjectBuilder b, String key, String value) {
        if (value != null) {
            b.add(key, value);
        }
    }

    /**
     * Reads a manifest; a malformed one gives a {@link ModelStoreException} naming the file, since a store must
     * be able to list around a damaged entry.
     */
    static ModelManifest read(Path file) {
        JsonObject o;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new ModelStoreException(file + ": manifest too large");
            }
            try (JsonReader r = Json.createReader(new java.io.ByteArrayInputStream(bytes))) {
                o = r.readObject();
            }
        } catch (IOException | JsonException | IllegalStateException e) {
            throw new ModelStoreException(file + ": unreadable manifest (" + e.getMessage() + ")", e);
        }
        try {
            int version = o.getInt("version");
            if (version != VERSION) {
                throw new ModelStoreException(file + ": manifest version " + version + " is not supported by this "
                        + "jllm (expected " + VERSION + ")");
            }
            List<ModelManifest.File> files = new ArrayList<>();
            for (JsonValue v : o.getJsonArray("files")) {
                JsonObject f = v.asJsonObject();
                String path = f.getString("path");
                RepoFile.checkPath(path); // a tampered manifest must not point outside its directory
                long size = ((JsonNumber) f.get("size")).longValueExact();
                files.add(new ModelManifest.File(path, size, f.getString("sha256", null), f.getString("gitOid", null)));
            }
            String primary = o.getString("primary");
            if (!primary.isEmpty()) {
                RepoFile.checkPath(primary);
            }
            return new ModelManifest(o.getString("name"), o.getString("repo"), o.getString("tag"),
                    o.getString("endpoint", null), o.getString("revision", null), o.getString("commit", null),
                    ModelFormat.valueOf(o.getString("format").toUpperCase(java.util.Locale.ROOT)), primary, files,
                    o.getString("quantization", null), o.getString("architecture", null),
                    Instant.parse(o.getString("pulledAt")));
        } catch (NullPointerException | ClassCastException | ArithmeticException | IllegalArgumentException
                 | DateTimeParseException e) {
            throw new ModelStoreException(file + ": malformed manifest (" + e.getMessage() + ")", e);
        }
    }
}
