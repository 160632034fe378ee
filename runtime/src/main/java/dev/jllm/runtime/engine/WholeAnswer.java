package dev.jllm.runtime.engine;

import dev.jllm.api.openai.ChatCompletion;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.Choice;
import dev.jllm.api.openai.ChoiceLogprobs;
import dev.jllm.api.openai.TokenLogprob;
import dev.jllm.runtime.chat.tools.AssistantOutputParser;
import dev.jllm.runtime.scheduler.SequenceEvent;
import dev.jllm.runtime.scheduler.SequenceInbox;

import java.util.ArrayList;
import java.util.List;

/**
 * A whole (non-streamed) answer, read on the caller's thread: every choice's tokens as they come (their logprobs
 * kept, a chat's output parsed into content, reasoning and tool calls), then one completion with the usage. An
 * interrupt of the caller (a client that left) cancels the generation.
 */
final class WholeAnswer {

    private WholeAnswer() {
    }

    static ChatCompletion read(Prepared p) {
        try (LoadedModels.Lease _ = p.lease()) {
            int n = p.handles().size();
            AssistantOutputParser[] parsers = new AssistantOutputParser[n];
            List<List<TokenLogprob>> logprobs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                parsers[i] = p.turn() == null ? null : p.turn().newParser();
                logprobs.add(p.options().topLogprobs() >= 0 ? new ArrayList<>() : null);
            }
            ChoiceEvents events = new ChoiceEvents(p);
            for (SequenceInbox.Delivery d = events.next(); d != null; d = events.next()) {
                if (d.event() instanceof SequenceEvent.Token t) {
                    if (logprobs.get(d.choice()) != null && t.logprobs() != null) {
                        logprobs.get(d.choice()).add(OutputWire.logprob(p.model(), t.logprobs()));
                    }
                    if (parsers[d.choice()] != null) {
                        parsers[d.choice()].accept(t.text());
                    }
                }
            }
            List<Choice> choices = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                choices.add(choice(i, events.result(i), parsers[i], logprobs.get(i)));
            }
            return new ChatCompletion(ChatCompletion.newId(), ChatCompletion.OBJECT, ChatCompletion.createdNow(),
                    p.modelId(), null, choices, OutputWire.usage(events.results()));
        }
    }

    private static Choice choice(int index, GenerationResult r, AssistantOutputParser parser,
                                 List<TokenLogprob> logprobs) {
        ChatMessage message;
        String finish = r.finishReason().wireName();
        if (parser == null) {
            message = ChatMessage.assistant(r.text());
        } else {
            parser.finish();
            message = OutputWire.message(parser);
            finish = OutputWire.finishReason(parser, finish);
        }
        return new Choice(index, message, logprobs == null ? null : new ChoiceLogprobs(logprobs, null), finish);
    }
}
