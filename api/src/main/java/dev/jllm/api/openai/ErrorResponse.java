package dev.jllm.api.openai;

import dev.jllm.api.LlmException;

/** An OpenAI error answer: {@code {"error":{"message":...,"type":...,"param":...,"code":...}}}. */
public record ErrorResponse(ErrorBody error) {

    /** The error answer that reports this exception. */
    public static ErrorResponse of(LlmException e) {
        return new ErrorResponse(new ErrorBody(e.getMessage(), e.kind().openAiType(), null, e.kind().openAiCode()));
    }

    /** The exception this answer stands for, given the HTTP status it came with. */
    public LlmException toException(int httpStatus) {
        String message = error == null || error.message() == null || error.message().isBlank()
                ? "HTTP " + httpStatus : error.message();
        LlmException.Kind kind = LlmException.Kind.forError(httpStatus, error == null ? null : error.code());
        return new LlmException(kind, message, httpStatus, null);
    }
}
