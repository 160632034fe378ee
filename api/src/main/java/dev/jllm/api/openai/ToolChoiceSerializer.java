package dev.jllm.api.openai;

import jakarta.json.bind.serializer.JsonbSerializer;
import jakarta.json.bind.serializer.SerializationContext;
import jakarta.json.stream.JsonGenerator;

/** Writes {@code tool_choice} as its string form or as {@code {"type":"function","function":{"name":...}}}. */
public final class ToolChoiceSerializer implements JsonbSerializer<ToolChoice> {
    @Override
    public void serialize(ToolChoice choice, JsonGenerator generator, SerializationContext ctx) {
        switch (choice) {
            case ToolChoice.Mode m -> generator.write(m.mode());
            case ToolChoice.Function f -> generator.writeStartObject()
                    .write("type", "function")
                    .writeStartObject("function")
                    .write("name", f.name())
                    .writeEnd()
                    .writeEnd();
        }
    }
}
