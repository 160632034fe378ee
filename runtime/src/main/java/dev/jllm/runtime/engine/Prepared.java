package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.runtime.sampling.SamplingParams;
import dev.jllm.runtime.scheduler.SequenceHandle;
import dev.jllm.runtime.scheduler.SequenceInbox;
import dev.jllm.runtime.scheduler.SequenceRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An OpenAI request made ready and admitted: the request's fields checked and mapped to generation options, the
 * prompt rendered (chat template) or taken as is (raw completion) and tokenized, and one sequence per choice
 * submitted to the model's scheduler, all reporting to one {@link SequenceInbox}. What reads the output back is
 * {@link WholeAnswer} or {@link LocalStream}; both close the lease when done.
 *
 * @param modelId the model as the client named it (answers echo it, as OpenAI echoes its model names)
 * @param lease   the model, held until the answer is read
 * @param prompt  the prompt's tokens
 * @param turn    how to read a chat answer back (tool calls, reasoning); null for a raw prompt
 */
record Prepared(String modelId, LoadedModels.Lease lease, int[] prompt, GenerationOptions options,
                List<SequenceHandle> handles, SequenceInbox inbox, ChatTurn turn) {

    /** Before rendering, a template may leave text out (earlier reasoning, say): refused only beyond this margin. */
    private static final int RENDER_MARGIN = 4;

    LocalModel model() {
        return lease.model();
    }

    /** Stops every choice still running (harmless for those that ended). */
    void cancel() {
        handles.forEach(SequenceHandle::cancel);
    }

    /**
     * Checks and renders the request and submits its choices; on any refusal nothing stays submitted and the lease
     * is closed.
     *
     * @param rawPrompt the text of a raw completion, continued as it is; null for a chat (the request's messages
     *                  rendered with the model's chat template)
     * @param errorName the model as error messages name it
     */
    static Prepared admit(LoadedModels.Lease lease, ChatCompletionRequest request, String rawPrompt,
                          LocalSettings settings, String errorName) {
        List<SequenceHandle> handles = new ArrayList<>();
        try {
            LocalModel m = lease.model();
            m.checkGenerates(errorName);
            GenerationOptions options = ChatRequests.options(request, m.tokenizer().vocabSize(), m.samplingDefaults())
                    .withGrammar(StructuredOutput.grammar(request, m.chatTemplate().source()));
            int n = request.n() == null ? 1 : request.n();
            int room = settings.parallel() + settings.effectiveQueue();
            if (n > room) {
                throw ChatRequests.invalid("n", n + " choices cannot run at once on this instance: it runs "
                        + settings.parallel() + " generations per model and queues " + settings.effectiveQueue()
                        + " more, so at most " + room);
            }
            String shown = request.model() == null || request.model().isBlank() ? m.id() : request.model();
            int[] prompt;
            ChatTurn turn = null;
            if (rawPrompt != null) {
                m.checkPromptChars(rawPrompt.length());
                prompt = m.tokenizer().encode(rawPrompt, true, false);
            } else {
                // Megabytes of messages are not worth rendering.
                m.checkPromptChars(contentChars(request) / RENDER_MARGIN);
                turn = ChatTurn.of(m, request);
                m.checkPromptChars(turn.prompt().length());
                prompt = PromptTokens.encode(m.tokenizer(), turn.prompt());
            }
            if (prompt.length >= m.contextSize()) {
                throw LlmException.contextExceeded("the prompt has " + prompt.length + " tokens but the context of "
                        + m.id() + " holds " + m.contextSize() + ": shorten the conversation", prompt.length,
                        m.contextSize());
            }
            SequenceRequest sequence = new SequenceRequest(prompt, options.sampling(), options.maxTokens(),
                    options.topLogprobs(), options.grammar(), turn == null ? Set.of() : turn.preservedTokens());
            SequenceInbox inbox = new SequenceInbox(n);
            // The choices share one evaluation of the prompt: the scheduler lets the younger ones wait for it.
            for (int i = 0; i < n; i++) {
                handles.add(m.scheduler().submit(i == 0 ? sequence : reseeded(sequence, i), inbox));
            }
            return new Prepared(shown, lease, prompt, options, List.copyOf(handles), inbox, turn);
        } catch (RuntimeException e) {
            handles.forEach(SequenceHandle::cancel);
            lease.close();
            throw e;
        }
    }

    /** The characters of all message texts. */
    private static long contentChars(ChatCompletionRequest request) {
        long n = 0;
        if (request.messages() != null) {
            for (ChatMessage msg : request.messages()) {
                String t = msg == null ? null : msg.text();
                n += t == null ? 0 : t.length();
            }
        }
        return n;
    }

    /** The i-th choice of a seeded request gets its own seed, so that the choices differ yet repeat. */
    private static SequenceRequest reseeded(SequenceRequest r, int i) {
        SamplingParams s = r.sampling();
        SamplingParams own = s.seed().isPresent() ? s.withSeed(s.seed().getAsLong() + i) : s;
        return new SequenceRequest(r.prompt(), own, r.maxTokens(), r.topLogprobs(), r.grammar(), r.preservedTokens());
    }
}
