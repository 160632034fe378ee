package dev.jllm.api.openai;

/**
 * A tool call in an assistant message, or a piece of one in a streamed delta ({@code index} is only set in deltas,
 * where it says which call the piece belongs to).
 */
public record ToolCall(Integer index, String id, String type, FunctionCall function) {

    public static ToolCall function(String id, String name, String arguments) {
        return new ToolCall(null, id, "function", new FunctionCall(name, arguments));
    }
}
