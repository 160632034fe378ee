package dev.jllm.models.store;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.gguf.GgufSummary;
import dev.jllm.models.hf.ModelFormat;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The quantization and architecture a listing shows, read from the model itself: a GGUF's metadata and tensor
 * types ({@link GgufSummary}), or a safetensors directory's {@code config.json}. A file that cannot be read gives
 * what the file name said, since the pull itself succeeded and {@code jllm show} will explain the file.
 *
 * @param quantization null if unknown
 * @param architecture null if unknown
 */
record ModelFacts(String quantization, String architecture) {
    private static final int MAX_CONFIG_BYTES = 16 << 20;

    static ModelFacts inspect(ModelFormat format, Path primary, String nameQuantization) {
        return format == ModelFormat.GGUF ? gguf(primary, nameQuantization) : safetensors(primary);
    }

    /**
     * The summary's dominant weight type (Q4_K) says what the file holds; the name's quantization (Q4_K_M) says it
     * more precisely, so it is kept when it agrees with the content.
     */
    private static ModelFacts gguf(Path file, String nameQuantization) {
        try (GgufFile g = GgufFile.open(file)) {
            GgufSummary s = GgufSummary.of(g);
            String typeName = s.fileType() == null ? null : s.fileType().name();
            String quant = typeName;
            if (nameQuantization != null && (typeName == null || nameQuantization.replace("UD-", "")
                    .toUpperCase(Locale.ROOT).startsWith(typeName.toUpperCase(Locale.ROOT)))) {
                quant = nameQuantization;
            }
            return new ModelFacts(quant, s.architecture());
        } catch (IOException | RuntimeException e) {
            return new ModelFacts(nameQuantization, null);
        }
    }

    private static ModelFacts safetensors(Path dir) {
        Path config = dir.resolve("config.json");
        JsonObject o;
        try (InputStream in = Files.newInputStream(config)) {
            byte[] bytes = in.readNBytes(MAX_CONFIG_BYTES);
            try (JsonReader r = Json.createReader(new ByteArrayInputStream(bytes))) {
                o = r.readObject();
            }
        } catch (IOException | JsonException | IllegalStateException e) {
            return new ModelFacts(null, null);
        }
        String arch = string(o, "model_type");
        if (arch == null && o.get("architectures") instanceof jakarta.json.JsonArray a && !a.isEmpty()
                && a.get(0).getValueType() == JsonValue.ValueType.STRING) {
            arch = a.getString(0);
        }
        String quant = null;
        if (o.get("quantization_config") instanceof JsonObject q) {
            quant = string(q, "quant_method");
            quant = quant == null ? null : quant.toUpperCase(Locale.ROOT);
        }
        if (quant == null) {
            String dtype = string(o, "torch_dtype");
            if (dtype == null) {
                dtype = string(o, "dtype");
            }
            quant = dtype == null ? null : switch (dtype) {
                case "bfloat16" -> "BF16";
                case "float16" -> "F16";
                case "float32" -> "F32";
                default -> dtype.toUpperCase(Locale.ROOT);
            };
        }
        return new ModelFacts(quant, arch);
    }

    private static String string(JsonObject o, String key) {
        JsonValue v = o.get(key);
        return v != null && v.getValueType() == JsonValue.ValueType.STRING ? o.getString(key) : null;
    }
}
