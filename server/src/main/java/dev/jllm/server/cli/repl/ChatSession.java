package dev.jllm.server.cli.repl;

/**
 * What one chat works on, shared by its loop and its slash commands: where answers come from, the conversation so
 * far, the sampling parameters ({@code /set parameter}) and how {@code /show info} describes a model.
 */
record ChatSession(ChatBackend backend, Conversation conversation, ChatParameters params, ModelDescriber describer) {

    /**
     * Answers {@code user} through {@code answerer} and keeps the turn in the conversation when an answer came.
     *
     * @return the reply, or null when no answer was started
     */
    String answer(Answerer answerer, String user) {
        String reply = answerer.answer(backend, params, conversation, user);
        if (reply != null) {
            conversation.add(user, reply);
        }
        return reply;
    }
}
