package dev.jllm.api.openai;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.serializer.DeserializationContext;
import jakarta.json.bind.serializer.JsonbDeserializer;
import jakarta.json.stream.JsonParser;

import java.lang.reflect.Type;

/** Reads {@code tool_choice} given as a string or as an object naming a function. */
public final class ToolChoiceDeserializer implements JsonbDeserializer<ToolChoice> {
    @Override
    public ToolChoice deserialize(JsonParser parser, DeserializationContext ctx, Type rtType) {
        JsonValue value = parser.getValue();
        if (value == JsonValue.NULL) {
            return null;
        }
        return switch (value) {
            case JsonString s -> new ToolChoice.Mode(s.getString());
            case JsonObject o -> {
                if (!(o.get("function") instanceof JsonObject f) || !(f.get("name") instanceof JsonString name)) {
                    throw new JsonbException("tool_choice object must be {\"type\":\"function\",\"function\":"
                            + "{\"name\":...}}, found " + o);
                }
                yield new ToolChoice.Function(name.getString());
            }
            default -> throw new JsonbException("tool_choice must be a string or an object, found "
                    + value.getValueType());
        };
    }
}
