package dev.jllm.server.cli.repl;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.openai.ChatCompletionRequest;

import java.util.Map;

/** Where the chat's answers come from: a running jllm server, or the engine in this process. */
public interface ChatBackend extends AutoCloseable {

    /** One short line for the start of the chat: where answers come from. */
    String describe();

    /** The model answers come from, as the user named it. */
    String model();

    /**
     * A streamed answer; the request's {@code model} is filled in here.
     *
     * @throws dev.jllm.api.LlmException CONTEXT_LENGTH_EXCEEDED when the messages do not fit the context
     */
    ChatCompletionStream stream(ChatCompletionRequest.Builder request);

    /** Switches to another model (the conversation stays). */
    void load(String model);

    /**
     * Sets the context size of the model in tokens.
     *
     * @throws ReplError where the backend cannot change it (a server's is fixed when it starts)
     */
    void contextSize(int tokens);

    /** Rows for {@code /show info}: where answers come from and what is known of the model. */
    Map<String, String> info();

    @Override
    void close();
}
