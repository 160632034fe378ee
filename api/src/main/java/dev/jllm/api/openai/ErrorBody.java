package dev.jllm.api.openai;

import jakarta.json.bind.annotation.JsonbTypeDeserializer;

/**
 * The inside of an OpenAI error answer. Some servers send {@code code} as a number; it is read as its text.
 */
public record ErrorBody(String message, String type, String param,
                        @JsonbTypeDeserializer(LenientStringDeserializer.class) String code) { }
