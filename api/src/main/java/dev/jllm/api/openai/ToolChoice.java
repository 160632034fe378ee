package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbTypeDeserializer;
import jakarta.json.bind.annotation.JsonbTypeSerializer;

import java.util.Objects;

/**
 * {@code tool_choice}: on the wire either a string ("none", "auto", "required") or an object naming one function
 * ({@code {"type":"function","function":{"name":"..."}}}).
 */
@JsonbTypeSerializer(ToolChoiceSerializer.class)
@JsonbTypeDeserializer(ToolChoiceDeserializer.class)
public sealed interface ToolChoice permits ToolChoice.Mode, ToolChoice.Function {

    ToolChoice NONE = new Mode("none");
    ToolChoice AUTO = new Mode("auto");
    ToolChoice REQUIRED = new Mode("required");

    static ToolChoice function(String name) {
        return new Function(name);
    }

    /** The string form. */
    record Mode(String mode) implements ToolChoice {
        public Mode {
            Objects.requireNonNull(mode, "mode");
        }
    }

    /** The object form: the model must call this function. */
    record Function(String name) implements ToolChoice {
        public Function {
            Objects.requireNonNull(name, "name");
        }
    }
}
