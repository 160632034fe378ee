package dev.jllm.api.openai;

import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.serializer.DeserializationContext;
import jakarta.json.bind.serializer.JsonbDeserializer;
import jakarta.json.stream.JsonParser;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/** Reads a field that OpenAI allows as one string or as an array of strings (e.g. {@code stop}) into a list. */
public final class StringOrListDeserializer implements JsonbDeserializer<List<String>> {
    @Override
    public List<String> deserialize(JsonParser parser, DeserializationContext ctx, Type rtType) {
        JsonValue value = parser.getValue();
        if (value == JsonValue.NULL) {
            return null;
        }
        return switch (value) {
            case JsonString s -> List.of(s.getString());
            case JsonArray a -> {
                List<String> values = new ArrayList<>(a.size());
                for (JsonValue v : a) {
                    if (!(v instanceof JsonString s)) {
                        throw new JsonbException("expected an array of strings, found " + v.getValueType());
                    }
                    values.add(s.getString());
                }
                yield List.copyOf(values);
            }
            default -> throw new JsonbException("expected a string or an array of strings, found "
                    + value.getValueType());
        };
    }
}
