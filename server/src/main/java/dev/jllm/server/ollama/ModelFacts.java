package dev.jllm.server.ollama;

import dev.jllm.models.gguf.GgufFile;
import dev.jllm.models.gguf.GgufSummary;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What Ollama's {@code /api/tags}, {@code /api/show} and {@code /api/ps} say about a model, read from its GGUF
 * metadata: {@code details} (format, family, parameter size, quantization), {@code model_info} (the metadata
 * itself, with the tokenizer's big arrays as null, as Ollama writes them unless asked to be verbose), the chat
 * template, the license and the stop token. Read once per file version.
 */
record ModelFacts(JsonObject details, JsonObject modelInfo, String template, String license, String parameters,
                  int contextLength) {

    private static final Map<String, Cached> CACHE = new ConcurrentHashMap<>();

    private record Cached(FileTime modified, ModelFacts facts) { }

    static ModelFacts of(Path path) {
        try {
            FileTime t = Files.getLastModifiedTime(path);
            Cached c = CACHE.get(path.toString());
            if (c != null && c.modified().equals(t)) {
                return c.facts();
            }
            ModelFacts f = Files.isRegularFile(path) ? gguf(path) : directory();
            CACHE.put(path.toString(), new Cached(t, f));
            return f;
        } catch (IOException | RuntimeException e) {
            return unknown();
        }
    }

    static ModelFacts unknown() {
        return new ModelFacts(details("gguf", "", "", ""), JsonValue.EMPTY_JSON_OBJECT, "", "", "", 0);
    }

    private static ModelFacts directory() {
        return new ModelFacts(details("safetensors", "", "", ""), JsonValue.EMPTY_JSON_OBJECT, "", "", "", 0);
    }

    private static ModelFacts gguf(Path path) throws IOException {
        try (GgufFile g = GgufFile.open(path)) {
            GgufSummary s = GgufSummary.of(g);
            JsonObjectBuilder info = Json.createObjectBuilder();
            for (Map.Entry<String, Object> e : g.metadata().entrySet()) {
                info.add(e.getKey(), value(e.getKey(), e.getValue()));
            }
            info.add("general.parameter_count", s.parameters());
            String quant = s.fileType() == null ? "" : s.fileType().name();
            String eos = "";
            String[] tokens = g.strings("tokenizer.ggml.tokens");
            long eosId = g.longValue("tokenizer.ggml.eos_token_id", -1);
            if (tokens != null && eosId >= 0 && eosId < tokens.length) {
                eos = "stop                           \"" + tokens[(int) eosId].replace("\"", "\\\"") + "\"";
            }
            return new ModelFacts(details("gguf", s.architecture(), s.parametersHuman(), quant), info.build(),
                    g.string("tokenizer.chat_template", ""), g.string("general.license", ""), eos,
                    (int) Math.min(Integer.MAX_VALUE, s.contextLength()));
        }
    }

    private static JsonObject details(String format, String family, String params, String quant) {
        JsonArrayBuilder families = Json.createArrayBuilder();
        if (!family.isEmpty()) {
            families.add(family);
        }
        return Json.createObjectBuilder().add("parent_model", "").add("format", format).add("family", family)
                .add("families", families).add("parameter_size", params).add("quantization_level", quant).build();
    }

    /** A metadata value as JSON; arrays (token lists, merges, scores) are null, as in Ollama's non-verbose show. */
    private static JsonValue value(String key, Object v) {
        return switch (v) {
            case String s -> Json.createValue(s);
            case Integer i -> Json.createValue(i);
            case Long l -> Json.createValue(l);
            case Float f -> Float.isFinite(f) ? Json.createValue(Double.parseDouble(Float.toString(f))) : JsonValue.NULL;
            case Double d -> Double.isFinite(d) ? Json.createValue(d) : JsonValue.NULL;
            case Boolean b -> b ? JsonValue.TRUE : JsonValue.FALSE;
            default -> JsonValue.NULL;
        };
    }
}
