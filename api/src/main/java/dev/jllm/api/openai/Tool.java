package dev.jllm.api.openai;

/** A tool offered to the model; OpenAI knows only {@code "type": "function"}. */
public record Tool(String type, FunctionDefinition function) {

    public static Tool function(FunctionDefinition function) {
        return new Tool("function", function);
    }
}
