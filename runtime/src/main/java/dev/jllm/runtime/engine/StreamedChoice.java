package dev.jllm.runtime.engine;

import dev.jllm.api.openai.ChatCompletionDelta;
import dev.jllm.api.openai.ChoiceLogprobs;
import dev.jllm.api.openai.ChunkChoice;
import dev.jllm.runtime.chat.tools.AssistantOutputParser;
import dev.jllm.runtime.chat.tools.OutputDelta;
import dev.jllm.runtime.scheduler.FinishReason;
import dev.jllm.runtime.scheduler.SequenceEvent;

import java.util.List;

/**
 * One choice of a streamed answer, shaped as OpenAI streams it: the role first, then for each step's text its
 * deltas (content, or for a chat with tools or thinking what the output parser makes of it: reasoning, tool calls
 * named first and their arguments after) with the token's logprobs on the first of them, then the finish reason.
 * Text the parser holds back (a possible tool call) still sends the logprobs, with empty content.
 */
final class StreamedChoice {

    private final LocalModel model;
    private final int index;
    private final AssistantOutputParser parser;

    StreamedChoice(Prepared p, int index) {
        this.model = p.model();
        this.index = index;
        this.parser = p.turn() == null ? null : p.turn().newParser();
    }

    ChunkChoice role() {
        return new ChunkChoice(index, ChatCompletionDelta.role("assistant"), null, null);
    }

    /** The chunk choices for one step's output (none when it released no text and has no logprobs). */
    void token(SequenceEvent.Token t, List<ChunkChoice> out) {
        if (t.text().isEmpty() && t.logprobs() == null) {
            return;
        }
        ChoiceLogprobs lp = t.logprobs() == null ? null
                : new ChoiceLogprobs(List.of(OutputWire.logprob(model, t.logprobs())), null);
        if (parser == null) {
            out.add(new ChunkChoice(index, ChatCompletionDelta.content(t.text()), lp, null));
            return;
        }
        List<OutputDelta> deltas = parser.accept(t.text());
        if (deltas.isEmpty() && lp != null) {
            out.add(new ChunkChoice(index, ChatCompletionDelta.content(""), lp, null));
        }
        deltas(deltas, lp, out);
    }

    /** What the parser still held, then the finish reason ({@code tool_calls} after calls). */
    void finish(FinishReason reason, List<ChunkChoice> out) {
        String finish = reason.wireName();
        if (parser != null) {
            deltas(parser.finish(), null, out);
            finish = OutputWire.finishReason(parser, finish);
        }
        out.add(new ChunkChoice(index, ChatCompletionDelta.EMPTY, null, finish));
    }

    private void deltas(List<OutputDelta> deltas, ChoiceLogprobs lp, List<ChunkChoice> out) {
        for (OutputDelta d : deltas) {
            out.add(new ChunkChoice(index, OutputWire.delta(d), lp, null));
            lp = null;
        }
    }
}
