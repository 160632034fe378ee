package dev.jllm.langchain4j.testing;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A LangChain4j streaming handler that keeps everything a stream delivers (text pieces, partial and complete tool
 * calls) and the final response or error, for tests to assert on. Shared with the {@code tests} module through
 * this module's test-jar, whose Ollama and OpenAI client tests stream through LangChain4j as well.
 */
public class StreamedResponse implements StreamingChatResponseHandler {

    private final List<String> pieces = new CopyOnWriteArrayList<>();
    private final List<PartialToolCall> partialToolCalls = new CopyOnWriteArrayList<>();
    private final List<CompleteToolCall> completeToolCalls = new CopyOnWriteArrayList<>();
    private final CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    @Override
    public void onPartialResponse(String partial) {
        pieces.add(partial);
    }

    /** The text pieces in the order they came. */
    public List<String> pieces() {
        return pieces;
    }

    @Override
    public void onPartialToolCall(PartialToolCall call) {
        partialToolCalls.add(call);
    }

    /** The pieces of tool calls, in order; their arguments add up to the complete calls'. */
    public List<PartialToolCall> partialToolCalls() {
        return partialToolCalls;
    }

    @Override
    public void onCompleteToolCall(CompleteToolCall call) {
        completeToolCalls.add(call);
    }

    public List<CompleteToolCall> completeToolCalls() {
        return completeToolCalls;
    }

    /** The end of the stream: a response, or (below) an error. */
    @Override
    public void onCompleteResponse(ChatResponse response) {
        done.complete(response);
    }

    /** Whether the stream ended, with a response or an error. */
    public boolean finished() {
        return done.isDone();
    }

    @Override
    public void onError(Throwable error) {
        done.completeExceptionally(error);
    }

    /** The final response; the stream's error, if it failed, is thrown (wrapped). */
    public ChatResponse await(Duration limit) throws Exception {
        return done.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    }
}
