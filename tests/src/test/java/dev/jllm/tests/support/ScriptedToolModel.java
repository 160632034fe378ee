package dev.jllm.tests.support;

import dev.jllm.api.ChatCompletionStream;
import dev.jllm.api.LlmException;
import dev.jllm.api.LlmProviderFactory;
import dev.jllm.api.LocalConfig;
import dev.jllm.api.QueuedChatCompletionStream;
import dev.jllm.api.openai.ChatCompletionChunk;
import dev.jllm.api.openai.ChatCompletionDelta;
import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ChatMessage;
import dev.jllm.api.openai.ChunkChoice;
import dev.jllm.api.openai.Tool;
import dev.jllm.api.openai.ToolChoice;
import dev.jllm.api.openai.Usage;
import dev.jllm.template.ChatTemplate;
import dev.jllm.template.Message;
import dev.jllm.runtime.chat.tools.AssistantOutputParser;
import dev.jllm.runtime.chat.tools.OutputDelta;
import dev.jllm.runtime.chat.tools.ThinkingSplitter;
import dev.jllm.runtime.chat.tools.ToolCallFormats;
import dev.jllm.runtime.engine.OutputWire;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A test double of the {@code local} instance type standing in for a model that calls tools, which the tiny real
 * model cannot be made to do. Only the model is scripted: the conversation is rendered through the real chat
 * template given as {@code chat_template_file} (the last prompt is kept for tests to inspect), and the scripted
 * output text, written as a Qwen 2.5 model writes it and fed in small pieces, goes through the engine's own
 * parser ({@link AssistantOutputParser}) and wire conversion ({@link OutputWire}), so everything from the parsed
 * calls to the SDKs' accumulators is the real thing.
 *
 * <p>The script: with tools on offer and the last message from the user, one call per tool (at most two), with
 * {@code {"city": "Paris"}} for a tool that has a {@code city} parameter; after a tool answer, a sentence quoting
 * it; to the message "think", {@link #THOUGHT} (read as reasoning where the template has thinking blocks);
 * without tools, {@link #PLAIN}.
 */
public final class ScriptedToolModel extends ScriptedFactory {

    public static final String PLAIN = "Hello from the scripted model.";
    /** The answer to "think", as a Qwen3 model writes it with thinking on. */
    public static final String THOUGHT = "<think>\nLet me think.\nYes.\n</think>\n\nDone thinking.";
    private static volatile String lastPrompt;

    /** The prompt the last request rendered to. */
    public static String lastPrompt() {
        return lastPrompt;
    }

    @Override
    ScriptedInstance create(String name, LocalConfig c) {
        String file = c.options().get("chat_template_file");
        if (file == null) {
            throw LlmException.invalid("the scripted tool model needs chat_template_file");
        }
        try {
            return new Instance(name, c, ChatTemplate.of(Files.readString(Path.of(file)), "<s>", "</s>"));
        } catch (IOException e) {
            throw LlmException.invalid("cannot read " + file);
        }
    }

    private static final class Instance extends ScriptedInstance {
        private final ChatTemplate template;

        Instance(String name, LocalConfig config, ChatTemplate template) {
            super(name, config, config.model());
            this.template = template;
        }

        @Override
        protected List<String> loaded() {
            return List.of(model());
        }

        @Override
        public ChatCompletionStream chatCompletionStream(ChatCompletionRequest request) {
            boolean offered = request.tools() != null && !request.tools().isEmpty()
                    && !(request.toolChoice() instanceof ToolChoice.Mode m && m.mode().equals("none"));
            lastPrompt = template.render(messages(request.messages()), offered ? tools(request.tools()) : null, true,
                    Map.of());
            String output = script(request, offered);
            int n = request.n() == null ? 1 : request.n();
            List<ChatCompletionChunk> chunks = new ArrayList<>();
            String id = "chatcmpl-scripted";
            for (int choice = 0; choice < n; choice++) {
                chunks.add(chunk(id, request, choice, ChatCompletionDelta.role("assistant"), null));
                AssistantOutputParser parser = new AssistantOutputParser(
                        ThinkingSplitter.usedBy(template.source()) ? new ThinkingSplitter(false) : null,
                        offered ? ToolCallFormats.detect(template.source()) : null,
                        Boolean.FALSE.equals(request.parallelToolCalls()) ? 1 : Integer.MAX_VALUE);
                for (int i = 0; i < output.length(); i += 3) {
                    for (OutputDelta d : parser.accept(output.substring(i, Math.min(output.length(), i + 3)))) {
                        chunks.add(chunk(id, request, choice, OutputWire.delta(d), null));
                    }
                }
                for (OutputDelta d : parser.finish()) {
                    chunks.add(chunk(id, request, choice, OutputWire.delta(d), null));
                }
                chunks.add(chunk(id, request, choice, ChatCompletionDelta.EMPTY, OutputWire.finishReason(parser, "stop")));
            }
            if (request.includeUsage() || !request.isStream()) {
                chunks.add(new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, 1700000200, request.model(), null,
                        List.of(), Usage.of(lastPrompt.length() / 4, n * output.length() / 4)));
            }
            QueuedChatCompletionStream s = new QueuedChatCompletionStream(chunks.size() + 1);
            chunks.forEach(s::emit);
            s.complete();
            return s;
        }

        private static ChatCompletionChunk chunk(String id, ChatCompletionRequest r, int choice,
                                                 ChatCompletionDelta delta, String finish) {
            return new ChatCompletionChunk(id, ChatCompletionChunk.OBJECT, 1700000200, r.model(), null,
                    List.of(new ChunkChoice(choice, delta, null, finish)), null);
        }

        private static String script(ChatCompletionRequest r, boolean offered) {
            ChatMessage last = r.messages().getLast();
            if (last.role().equals("tool")) {
                return "The tool said: " + last.text();
            }
            if (last.text().equals("think")) {
                return THOUGHT;
            }
            if (!offered) {
                return PLAIN;
            }
            StringBuilder out = new StringBuilder();
            for (Tool t : r.tools().subList(0, Math.min(2, r.tools().size()))) {
                Map<String, Object> params = t.function().parameters();
                boolean city = params != null && params.get("properties") instanceof Map<?, ?> p && p.containsKey("city");
                out.append("<tool_call>\n{\"name\": \"").append(t.function().name()).append("\", \"arguments\": ")
                        .append(city ? "{\"city\": \"Paris\"}" : "{}").append("}\n</tool_call>\n");
            }
            return out.toString().strip();
        }

        private static List<Message> messages(List<ChatMessage> in) {
            List<Message> out = new ArrayList<>();
            for (ChatMessage m : in) {
                List<dev.jllm.template.ToolCall> calls = new ArrayList<>();
                if (m.toolCalls() != null) {
                    m.toolCalls().forEach(c -> calls.add(dev.jllm.template.ToolCall.ofJsonArguments(c.id(),
                            c.function().name(), c.function().arguments())));
                }
                out.add(new Message(m.role(), m.text(), null, m.name(), calls, m.toolCallId(), null));
            }
            return out;
        }

        private static List<dev.jllm.template.Tool> tools(List<Tool> in) {
            return in.stream().map(t -> new dev.jllm.template.Tool(t.function().name(), t.function().description(),
                    t.function().parameters())).toList();
        }
    }
}
