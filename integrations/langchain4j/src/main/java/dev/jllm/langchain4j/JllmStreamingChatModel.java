package dev.jllm.langchain4j;

import dev.jllm.api.ChatCompletionAccumulator;
import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.LlmException;
import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChunkChoice;
import dev.jllm.api.openai.ToolCall;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;

import java.util.HashMap;
import java.util.Map;

/**
 * A LangChain4j {@link StreamingChatModel} answered by jllm: text arrives piece by piece, tool calls as
 * {@link PartialToolCall}s (name first, arguments in pieces) and then {@link CompleteToolCall}s, and the whole
 * response last. The handler's {@link StreamingHandle} cancels the generation in the engine (its slot is free
 * before the next decoding step). Each call streams on a virtual thread of its own.
 */
public final class JllmStreamingChatModel extends TargetedChatModel implements StreamingChatModel {

    private JllmStreamingChatModel(JllmModelBuilder<?> b) {
        super(b);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        ChatCompletionStream stream;
        try {
            stream = target.handle().service().chatCompletionStream(target.handle().instance(),
                    RequestMapping.toJllm(request, target.handle().model(), target.seed(), true));
        } catch (RuntimeException e) {
            handler.onError(e);
            return;
        }
        Thread.ofVirtual().name("jllm-langchain4j-stream").start(() -> pump(stream, handler));
    }

    private static void pump(ChatCompletionStream stream, StreamingChatResponseHandler handler) {
        Cancel cancel = new Cancel(stream);
        ChatCompletionAccumulator all = new ChatCompletionAccumulator();
        Map<Integer, String> callIds = new HashMap<>();
        Map<Integer, String> callNames = new HashMap<>();
        try (stream) {
            for (ChatCompletionChunk chunk : stream) {
                all.add(chunk);
                for (ChunkChoice choice : chunk.choices()) {
                    if (choice.index() != 0 || choice.delta() == null) {
                        continue;
                    }
                    String text = choice.delta().content();
                    if (text != null && !text.isEmpty()) {
                        handler.onPartialResponse(new PartialResponse(text), new PartialResponseContext(cancel));
                    }
                    if (choice.delta().toolCalls() != null) {
                        for (ToolCall c : choice.delta().toolCalls()) {
                            int index = c.index() == null ? 0 : c.index();
                            if (c.id() != null) {
                                callIds.put(index, c.id());
                            }
                            if (c.function() != null && c.function().name() != null) {
                                callNames.put(index, c.function().name());
                            }
                            String args = c.function() == null ? null : c.function().arguments();
                            // The first delta of a call names it with no arguments yet; LangChain4j's partial
                            // calls carry argument text, so they start with the first piece of it.
                            if (args != null && !args.isEmpty()) {
                                handler.onPartialToolCall(PartialToolCall.builder().index(index)
                                        .id(callIds.get(index)).name(callNames.get(index))
                                        .partialArguments(args).build(), new PartialToolCallContext(cancel));
                            }
                        }
                    }
                }
                if (cancel.isCancelled()) {
                    return;
                }
            }
            ChatCompletion whole = all.result();
            if (!whole.choices().isEmpty() && whole.choices().getFirst().message().toolCalls() != null) {
                int i = 0;
                for (ToolCall c : whole.choices().getFirst().message().toolCalls()) {
                    handler.onCompleteToolCall(new CompleteToolCall(c.index() == null ? i : c.index(),
                            ToolExecutionRequest.builder().id(c.id()).name(c.function().name())
                                    .arguments(c.function().arguments()).build()));
                    i++;
                }
            }
            ChatResponse response = ResponseMapping.toChatResponse(whole);
            handler.onCompleteResponse(response);
        } catch (LlmException e) {
            if (!cancel.isCancelled()) {
                handler.onError(e);
            }
        } catch (RuntimeException e) {
            handler.onError(e);
        }
    }

    /** The handler's way to stop the generation: closing the stream cancels it in the engine. */
    private static final class Cancel implements StreamingHandle {
        private final ChatCompletionStream stream;
        private volatile boolean cancelled;

        Cancel(ChatCompletionStream stream) {
            this.stream = stream;
        }

        @Override
        public void cancel() {
            cancelled = true;
            stream.close();
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }

    public static final class Builder extends JllmModelBuilder<Builder> {
        private Builder() {
        }

        public JllmStreamingChatModel build() {
            return new JllmStreamingChatModel(this);
        }
    }
}
