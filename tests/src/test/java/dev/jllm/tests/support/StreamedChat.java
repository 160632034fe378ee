package dev.jllm.tests.support;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A LangChain4j streaming chat, waited for: the response its handler completes with (or the error it got). */
public final class StreamedChat {

    private StreamedChat() { }

    public static ChatResponse of(StreamingChatModel model, ChatRequest request, int seconds) throws Exception {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat(request, new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partialResponse) {
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        return done.get(seconds, TimeUnit.SECONDS);
    }
}
