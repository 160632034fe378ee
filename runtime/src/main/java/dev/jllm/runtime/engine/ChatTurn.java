package dev.jllm.runtime.engine;

import dev.jllm.api.openai.ChatCompletionRequest;
import dev.jllm.api.openai.ToolChoice;
import dev.jllm.template.ChatTemplate;
import dev.jllm.runtime.chat.tools.AssistantOutputParser;
import dev.jllm.runtime.chat.tools.ThinkingSplitter;
import dev.jllm.runtime.chat.tools.ToolCallFormat;
import dev.jllm.runtime.chat.tools.ToolCallFormats;
import dev.jllm.runtime.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One chat request made ready for a model: the prompt its chat template makes of the messages (with the tools
 * when they are offered, the thinking switch set from {@code reasoning_effort}), and how the model's output is
 * read back (tool calls in the template family's syntax, {@code <think>} blocks as reasoning).
 *
 * @param prompt          the rendered prompt text
 * @param format          the call syntax to parse, or null when no tools are offered
 * @param thinking        whether the template has thinking blocks
 * @param startsInside    whether the prompt leaves the model inside one (DeepSeek-R1)
 * @param maxCalls        1 when {@code parallel_tool_calls} is false
 * @param preservedTokens special tokens the parser must see as text (tool-call markers)
 */
record ChatTurn(String prompt, ToolCallFormat format, boolean thinking, boolean startsInside, int maxCalls,
                Set<Integer> preservedTokens) {

    /** reasoning_effort values that switch thinking off. */
    private static final Set<String> NO_THINKING = Set.of("none", "minimal");

    /**
     * @throws dev.jllm.api.LlmException INVALID_REQUEST naming {@code tools} when tools are offered to a template
     *                                   that cannot show them to the model
     */
    static ChatTurn of(LocalModel m, ChatCompletionRequest r) {
        ChatTemplate template = m.chatTemplate();
        boolean offerTools = r.tools() != null && !r.tools().isEmpty()
                && !(r.toolChoice() instanceof ToolChoice.Mode mode && "none".equals(mode.mode()));
        if (offerTools && !template.canCarryTools()) {
            // The model is not named: behind a server its id is a file path, which is nobody else's business.
            throw ChatRequests.invalid("tools", "this model's chat template cannot carry tools (it does not show"
                    + " them to the model, so they would be silently dropped); start the server with"
                    + " --chat-template-file naming a template that renders 'tools', or send no tools");
        }
        Map<String, Object> extra = new HashMap<>();
        if (r.reasoningEffort() != null && template.source().contains("enable_thinking")) {
            // Qwen3's switch (and its followers'): the template closes the thinking block in the prompt when false.
            extra.put("enable_thinking", !NO_THINKING.contains(r.reasoningEffort()));
        }
        String prompt = ChatPrompts.render(template, r.messages(), offerTools ? r.tools() : null, extra);
        ToolCallFormat format = offerTools ? ToolCallFormats.detect(template.source()) : null;
        boolean thinking = ThinkingSplitter.usedBy(template.source());
        boolean inside = thinking && ThinkingSplitter.promptOpensThinking(prompt);
        int maxCalls = Boolean.FALSE.equals(r.parallelToolCalls()) ? 1 : Integer.MAX_VALUE;
        return new ChatTurn(prompt, format, thinking, inside, maxCalls, preserved(m.tokenizer(), format, thinking));
    }

    /** The vocabulary's tokens for the markers the parser reads, which a decoder would drop as special tokens. */
    private static Set<Integer> preserved(Tokenizer tokenizer, ToolCallFormat format, boolean thinking) {
        List<String> texts = new ArrayList<>();
        if (format != null) {
            texts.addAll(format.markers());
            texts.addAll(List.of("<|/tool_call|>", "</tool_call>", "[ARGS]", "[CALL_ID]"));
        }
        if (thinking) {
            texts.addAll(List.of("<think>", "</think>"));
        }
        Set<Integer> ids = new HashSet<>();
        for (String t : texts) {
            int id = tokenizer.tokenId(t);
            if (id >= 0) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** A parser for one generated choice. */
    AssistantOutputParser newParser() {
        return new AssistantOutputParser(thinking ? new ThinkingSplitter(startsInside) : null, format, maxCalls);
    }
}
