package dev.jllm.models.hf;

import dev.jllm.models.ModelFormatException;
import dev.jllm.models.safetensors.SafetensorsFile;
import dev.jllm.models.safetensors.SafetensorsTensorInfo;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.io.Reader;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Hugging Face model directory as {@code save_pretrained} writes it: {@code config.json}, the weights in
 * {@code model.safetensors} or in shards listed by {@code model.safetensors.index.json}, and the tokenizer
 * files. The safetensors files are memory-mapped (see {@link SafetensorsFile}); {@link #close()} releases them.
 *
 * <p>This class reads and validates the files; what the configuration means to an engine is the engine's
 * business.
 */
public final class HfModelDirectory implements AutoCloseable {
    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String WEIGHTS_INDEX = "model.safetensors.index.json";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    public static final String GENERATION_CONFIG = "generation_config.json";
    /** JSON side files are small; a bigger one is refused rather than read into memory. */
    private static final long MAX_JSON_BYTES = 64L << 20;

    /** Where one tensor lives. */
    public record TensorRef(SafetensorsFile file, SafetensorsTensorInfo info) {
        public MemorySegment data() {
            return file.data(info);
        }
    }

    private final Path dir;
    private final JsonObject config;
    private final List<SafetensorsFile> files;
    private final Map<String, TensorRef> tensors;

    private HfModelDirectory(Path dir, JsonObject config, List<SafetensorsFile> files, Map<String, TensorRef> tensors) {
        this.dir = dir;
        this.config = config;
        this.files = List.copyOf(files);
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** Whether {@code path} looks like a model directory (a directory holding {@code config.json}). */
    public static boolean isModelDirectory(Path path) {
        return Files.isDirectory(path) && Files.isRegularFile(path.resolve(CONFIG));
    }

    /**
     * Reads {@code config.json} and maps the weights.
     *
     * @throws NoSuchFileException  when the directory, its config or its weights are missing
     * @throws ModelFormatException when a file is malformed or the shards disagree with the index
     */
    public static HfModelDirectory open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a directory");
        }
        JsonObject config = readJson(dir.resolve(CONFIG));
        List<SafetensorsFile> files = new ArrayList<>();
        Map<String, TensorRef> tensors = new LinkedHashMap<>();
        try {
            Path single = dir.resolve(WEIGHTS);
            Path index = dir.resolve(WEIGHTS_INDEX);
            if (Files.isRegularFile(single)) {
                SafetensorsFile f = SafetensorsFile.open(single);
                files.add(f);
                f.tensors().values().forEach(t -> tensors.put(t.name(), new TensorRef(f, t)));
            } else if (Files.isRegularFile(index)) {
                readShards(dir, index, files, tensors);
            } else {
                throw new NoSuchFileException(single.toString(), null,
                        "no " + WEIGHTS + " or " + WEIGHTS_INDEX + " in the model directory");
            }
            return new HfModelDirectory(dir, config, files, tensors);
        } catch (IOException | RuntimeException | Error e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
    }

    private static void readShards(Path dir, Path index, List<SafetensorsFile> files, Map<String, TensorRef> tensors)
            throws IOException {
        JsonObject idx = readJson(index);
        if (!(idx.get("weight_map") instanceof JsonObject weightMap)) {
            throw new ModelFormatException(index + ": no weight_map object");
        }
        Map<String, SafetensorsFile> byShard = new LinkedHashMap<>();
        for (Map.Entry<String, JsonValue> e : weightMap.entrySet()) {
            if (!(e.getValue() instanceof JsonString shardName)) {
                throw new ModelFormatException(index + ": weight_map entry '" + e.getKey() + "' is not a file name");
            }
            String shard = shardName.getString();
            // A shard must be a plain file name in this directory, never a path out of it.
            if (shard.isEmpty() || shard.contains("/") || shard.contains("\\") || shard.equals("..") || shard.equals(".")) {
                throw new ModelFormatException(index + ": shard name '" + shard + "' is not a plain file name");
            }
            SafetensorsFile f = byShard.get(shard);
            if (f == null) {
                f = SafetensorsFile.open(dir.resolve(shard));
                files.add(f);
                byShard.put(shard, f);
            }
            SafetensorsFile file = f;
            SafetensorsTensorInfo t = file.tensor(e.getKey()).orElseThrow(() -> new ModelFormatException(
                    index + " lists tensor '" + e.getKey() + "' in " + shard + ", which does not hold it"));
            tensors.put(t.name(), new TensorRef(file, t));
        }
    }

    /** Reads a small JSON object file; a missing file is a {@link NoSuchFileException}. */
    public static JsonObject readJson(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_JSON_BYTES) {
            throw new ModelFormatException(file + ": " + size + " bytes is too large for a configuration file");
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8); JsonReader r = Json.createReader(in)) {
            return r.readObject();
        } catch (java.io.UncheckedIOException e) {
            throw new IOException(file + ": " + e.getCause().getMessage(), e.getCause());
        } catch (RuntimeException e) {
            // JsonException, and Parsson's bare RuntimeException for excessive nesting
            throw new ModelFormatException(file + ": not a valid JSON object: " + e.getMessage());
        } catch (java.nio.charset.MalformedInputException e) {
            throw new ModelFormatException(file + ": not valid UTF-8");
        }
    }

    public Path path() {
        return dir;
    }

    /** The parsed {@code config.json}. */
    public JsonObject config() {
        return config;
    }

    /** {@code tokenizer_config.json}, when present. */
    public Optional<JsonObject> tokenizerConfig() throws IOException {
        return optionalJson(TOKENIZER_CONFIG);
    }

    /** {@code generation_config.json}, when present. */
    public Optional<JsonObject> generationConfig() throws IOException {
        return optionalJson(GENERATION_CONFIG);
    }

    /** {@code tokenizer.json}, when present. */
    public Optional<JsonObject> tokenizerJson() throws IOException {
        return optionalJson(TOKENIZER);
    }

    private Optional<JsonObject> optionalJson(String name) throws IOException {
        Path p = dir.resolve(name);
        return Files.isRegularFile(p) ? Optional.of(readJson(p)) : Optional.empty();
    }

    /** Every tensor of the checkpoint by name. */
    public Map<String, TensorRef> tensors() {
        return tensors;
    }

    public Optional<TensorRef> tensor(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** Bytes of all weight files together. */
    public long weightBytes() {
        long n = 0;
        for (SafetensorsFile f : files) {
            n += f.path().toFile().length();
        }
        return n;
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }

    @Override
    public String toString() {
        return "HfModelDirectory[" + dir + ", " + files.size() + " weight files, " + tensors.size() + " tensors]";
    }
}
