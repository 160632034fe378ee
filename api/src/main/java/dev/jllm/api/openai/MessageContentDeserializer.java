package dev.jllm.api.openai;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.JsonbException;
import jakarta.json.bind.serializer.DeserializationContext;
import jakarta.json.bind.serializer.JsonbDeserializer;
import jakarta.json.stream.JsonParser;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a message {@code content} that is either a JSON string or an array of content parts. The value is read as
 * a JSON tree ({@code getValue()}) because Yasson's parser for user deserializers does not report the current event.
 */
public final class MessageContentDeserializer implements JsonbDeserializer<MessageContent> {
    @Override
    public MessageContent deserialize(JsonParser parser, DeserializationContext ctx, Type rtType) {
        JsonValue value = parser.getValue();
        if (value == JsonValue.NULL) {
            return null;
        }
        return switch (value) {
            case JsonString s -> MessageContent.of(s.getString());
            case JsonArray a -> {
                List<ContentPart> parts = new ArrayList<>(a.size());
                for (JsonValue v : a) {
                    if (!(v instanceof JsonObject o)) {
                        throw new JsonbException("message content parts must be objects, found " + v.getValueType());
                    }
                    parts.add(part(o));
                }
                yield MessageContent.of(parts);
            }
            default -> throw new JsonbException("message content must be a string or an array of parts, found "
                    + value.getValueType());
        };
    }

    private static ContentPart part(JsonObject o) {
        String type = JsonTrees.string(o, "type");
        if (type == null) {
            throw new JsonbException("a message content part needs a \"type\"");
        }
        ContentPart.ImageUrl image = null;
        if (o.get("image_url") instanceof JsonObject i) {
            image = new ContentPart.ImageUrl(JsonTrees.string(i, "url"), JsonTrees.string(i, "detail"));
        } else if (o.get("image_url") instanceof JsonString url) {
            // Some clients send the URL directly instead of {"url": ...}.
            image = new ContentPart.ImageUrl(url.getString(), null);
        }
        ContentPart.InputAudio audio = null;
        if (o.get("input_audio") instanceof JsonObject a) {
            audio = new ContentPart.InputAudio(JsonTrees.string(a, "data"), JsonTrees.string(a, "format"));
        }
        ContentPart.FileRef file = null;
        if (o.get("file") instanceof JsonObject f) {
            file = new ContentPart.FileRef(JsonTrees.string(f, "file_id"), JsonTrees.string(f, "file_data"),
                    JsonTrees.string(f, "filename"));
        }
        return new ContentPart(type, JsonTrees.string(o, "text"), image, audio, file);
    }
}
