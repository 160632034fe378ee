package dev.jllm.runtime.scheduler;

import dev.jllm.api.LlmException;
import dev.jllm.runtime.sampling.Logprobs;

/** What a {@link SequenceHandle} receives, in order: tokens, then exactly one {@link Finished} or {@link Failed}. */
public sealed interface SequenceEvent {

    /**
     * A step's output.
     *
     * @param text            text now certain to be part of the output (may be empty while bytes of a character
     *                        or a possible stop string are held back)
     * @param token           the token just sampled
     * @param logprobs        its log-probability and the top alternatives, or null when not asked for (and for the
     *                        text released at the end of a generation cut by its length)
     * @param generatedTokens tokens generated so far, this one included when it is part of the output (an
     *                        end-of-generation token is not)
     */
    record Token(String text, int token, Logprobs logprobs, int generatedTokens) implements SequenceEvent {
    }

    /** The generation ended (a cancelled one too); nothing follows. */
    record Finished(SequenceOutcome outcome) implements SequenceEvent {
    }

    /** The generation failed (e.g. the model was unloaded); nothing follows. */
    record Failed(LlmException error) implements SequenceEvent {
    }
}
