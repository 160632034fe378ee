package dev.jllm.api.openai;

import jakarta.json.bind.serializer.JsonbSerializer;
import jakarta.json.bind.serializer.SerializationContext;
import jakarta.json.stream.JsonGenerator;

/** Writes {@link MessageContent} as a JSON string or as an array of parts, the way it was given. */
public final class MessageContentSerializer implements JsonbSerializer<MessageContent> {
    @Override
    public void serialize(MessageContent content, JsonGenerator generator, SerializationContext ctx) {
        switch (content) {
            case MessageContent.Text t -> generator.write(t.text());
            case MessageContent.Parts p -> {
                generator.writeStartArray();
                for (ContentPart part : p.parts()) {
                    ctx.serialize(part, generator);
                }
                generator.writeEnd();
            }
        }
    }
}
