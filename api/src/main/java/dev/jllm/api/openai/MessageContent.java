package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbTypeDeserializer;
import jakarta.json.bind.annotation.JsonbTypeSerializer;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A message's {@code content}: on the wire either a plain string or an array of content parts.
 */
@JsonbTypeSerializer(MessageContentSerializer.class)
@JsonbTypeDeserializer(MessageContentDeserializer.class)
public sealed interface MessageContent permits MessageContent.Text, MessageContent.Parts {

    /** The text of this content: the string itself, or the text parts joined (other parts are skipped). */
    String text();

    static MessageContent of(String text) {
        return new Text(text);
    }

    static MessageContent of(List<ContentPart> parts) {
        return new Parts(parts);
    }

    /** Content written as a plain JSON string. */
    record Text(String text) implements MessageContent {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /** Content written as an array of parts (text, image_url, input_audio, file). */
    record Parts(List<ContentPart> parts) implements MessageContent {
        public Parts {
            parts = List.copyOf(parts);
        }

        @Override
        public String text() {
            return parts.stream()
                    .filter(p -> ContentPart.TEXT.equals(p.type()) && p.text() != null)
                    .map(ContentPart::text)
                    .collect(Collectors.joining());
        }
    }
}
