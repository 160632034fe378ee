package dev.jllm.api.openai;

import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.serializer.DeserializationContext;
import jakarta.json.bind.serializer.JsonbDeserializer;
import jakarta.json.stream.JsonParser;

import java.lang.reflect.Type;

/**
 * Reads any JSON value into a string: some OpenAI-compatible servers send fields OpenAI types as strings (such as
 * an error's {@code code}) as numbers or booleans. Numbers keep their text ("404").
 */
public final class LenientStringDeserializer implements JsonbDeserializer<String> {
    @Override
    public String deserialize(JsonParser parser, DeserializationContext ctx, Type rtType) {
        JsonValue v = parser.getValue();
        if (v == JsonValue.NULL) {
            return null;
        }
        return v instanceof JsonString s ? s.getString() : v.toString();
    }
}
