package dev.jllm.api.openai;

/**
 * A function call made by the model. {@code arguments} is a JSON document as a string (as OpenAI sends it);
 * in streamed deltas it arrives in pieces that are concatenated.
 */
public record FunctionCall(String name, String arguments) { }
