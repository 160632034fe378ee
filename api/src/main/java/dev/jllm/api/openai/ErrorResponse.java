package dev.jllm.api.openai;

/**
 * An OpenAI error answer: {@code {"error":{"message":...,"type":...,"param":...,"code":...}}}. Converting it to and
 * from an exception is {@code LlmException}'s business (this package sits below it).
 */
public record ErrorResponse(ErrorBody error) {
}
