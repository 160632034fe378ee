package dev.jllm.runtime.engine;

import dev.jllm.api.LlmException;
import dev.jllm.runtime.scheduler.FinishReason;
import dev.jllm.runtime.scheduler.SequenceEvent;
import dev.jllm.runtime.scheduler.SequenceInbox;

/**
 * Reads the events of a prepared request's choices from their one inbox, on the calling thread (the reader of the
 * answer: no thread in between), until every choice has finished. Ends that are not answers are thrown: a failed
 * choice (the model unloaded, say) and a cancelled one; an interrupt of the reader cancels every choice. Either way
 * the other choices are cancelled too. Not thread-safe: one reader.
 */
final class ChoiceEvents {

    private final Prepared prepared;
    private final GenerationResult[] results;
    private int running;

    ChoiceEvents(Prepared prepared) {
        this.prepared = prepared;
        this.results = new GenerationResult[prepared.handles().size()];
        this.running = results.length;
    }

    /** The next token or finish of any choice, waiting for it; null once every choice has finished. */
    SequenceInbox.Delivery next() {
        if (running == 0) {
            return null;
        }
        SequenceInbox.Delivery d;
        try {
            d = prepared.inbox().next();
        } catch (InterruptedException e) {
            prepared.cancel();
            Thread.currentThread().interrupt();
            throw new LlmException(LlmException.Kind.CANCELLED, "the generation was cancelled", e);
        }
        switch (d.event()) {
            case SequenceEvent.Token _ -> { }
            case SequenceEvent.Finished f -> {
                if (f.outcome().finishReason() == FinishReason.CANCELLED) {
                    prepared.cancel();
                    throw new LlmException(LlmException.Kind.CANCELLED, "the generation was cancelled");
                }
                results[d.choice()] = GenerationResult.of(f.outcome());
                running--;
            }
            case SequenceEvent.Failed f -> {
                prepared.cancel();
                throw f.error().reraised();
            }
        }
        return d;
    }

    /** A finished choice's result. */
    GenerationResult result(int choice) {
        return results[choice];
    }

    /** Every choice's result, once all finished. */
    GenerationResult[] results() {
        return results;
    }
}
