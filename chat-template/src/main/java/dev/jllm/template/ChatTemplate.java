package dev.jllm.template;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.interpret.AutoCloseableSupplier.AutoCloseableImpl;
import com.hubspot.jinjava.interpret.CollectionTooBigException;
import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.OutputTooBigException;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model's chat template ({@code tokenizer.chat_template}, Jinja) turned into a prompt renderer that
 * produces what Hugging Face's {@code apply_chat_template(..., tokenize=False)} produces.
 *
 * <p>Structured message content is kept as a list of parts for templates that iterate parts and joined
 * into one string for templates that print content as a string (see {@link #supportsTypedContent()}).
 *
 * <p>Every render, including the trial renders made here at load, runs within a {@link RenderBudget}: a
 * template that loops without end or builds a huge string fails with {@link ChatTemplateException#overBudget()}
 * instead of holding its thread.
 *
 * <p>Immutable and safe to share between threads; each render uses its own interpreter.
 *
 * <pre>{@code
 * ChatTemplate template = ChatTemplate.of(source, "<s>", "</s>");
 * String prompt = template.render(List.of(Message.user("Hi")), null, true, Map.of());
 * }</pre>
 */
public final class ChatTemplate {

    /** A marker for template functions, so that {@code strftime_now is defined} holds as in Python. */
    private static final Object FUNCTION = new Object() {
        @Override
        public String toString() {
            return "<function>";
        }
    };

    private static final String PROBE = "\u2063jllm-typed-content-probe\u2063";
    private static final String TOOL_PROBE = "jllm_probe_function_7f3a";

    private final String source;
    private final String rewritten;
    private final String bosToken;
    private final String eosToken;
    private final Jinjava jinjava;
    private final RenderBudget budget;
    private final boolean typedContent;
    /** Phi-4-mini's template reads the tools from the system message ({@code message['tools']}, a JSON string). */
    private final boolean toolsInSystemMessage;
    private final boolean carriesTools;

    private ChatTemplate(String source, String bosToken, String eosToken, Clock clock, RenderBudget budget) {
        this.source = source;
        this.rewritten = TemplateSourceRewriter.rewrite(source);
        this.bosToken = bosToken;
        this.eosToken = eosToken;
        this.budget = budget;
        this.jinjava = JinjaEnvironment.create(clock, budget);
        checkSyntax();
        KnownNames.check(rewritten, jinjava);
        this.typedContent = probeTypedContent();
        this.toolsInSystemMessage = source.contains("message['tools']") || source.contains("message.tools");
        this.carriesTools = probeTools();
    }

    /**
     * Compiles a template.
     *
     * @param jinjaSource the Jinja source, e.g. the GGUF {@code tokenizer.chat_template} value
     * @param bosToken the text of the BOS token, exposed as {@code bos_token}, or null if the model has none
     * @param eosToken the text of the EOS token, exposed as {@code eos_token}, or null if the model has none
     * @throws ChatTemplateException when the source does not parse or uses a filter or test that does not
     *     exist (Jinja2 refuses those at compile time too), or when a trial render of a short conversation runs
     *     past {@link RenderBudget#DEFAULT} ({@link ChatTemplateException#overBudget()}): such a template is unusable
     */
    public static ChatTemplate of(String jinjaSource, String bosToken, String eosToken) {
        return of(jinjaSource, bosToken, eosToken, RenderBudget.DEFAULT);
    }

    /** {@link #of(String, String, String)} with every render, those at load included, held to {@code budget}. */
    public static ChatTemplate of(String jinjaSource, String bosToken, String eosToken, RenderBudget budget) {
        Objects.requireNonNull(jinjaSource, "jinjaSource");
        Objects.requireNonNull(budget, "budget");
        return new ChatTemplate(jinjaSource, bosToken, eosToken, Clock.systemDefaultZone(), budget);
    }

    /** The same template reading the date ({@code strftime_now}) from {@code newClock} and its zone. */
    public ChatTemplate withClock(Clock newClock) {
        return new ChatTemplate(source, bosToken, eosToken, Objects.requireNonNull(newClock, "clock"), budget);
    }

    /** What one render of this template may spend. */
    public RenderBudget budget() {
        return budget;
    }

    /** The Jinja source this template was made from. */
    public String source() {
        return source;
    }

    /**
     * Whether the template iterates structured content ({@code [{"type": "text", ...}]}). If not, text parts
     * are joined into one string before rendering, since such a template prints content as a string.
     */
    public boolean supportsTypedContent() {
        return typedContent;
    }

    /**
     * Whether the template shows the model the tools it is given: a conversation rendered with a tool has the
     * tool's name in it. A template that does not would drop a request's tools without a word.
     */
    public boolean canCarryTools() {
        return carriesTools;
    }

    /** Renders messages without tools or extra variables. */
    public String render(List<Message> messages, boolean addGenerationPrompt) {
        return render(messages, null, addGenerationPrompt, Map.of());
    }

    /**
     * Renders a conversation into the prompt text.
     *
     * @param messages the conversation
     * @param tools the functions on offer, or null for none ({@code tools} is then undefined, which every
     *     template treats like HF's {@code None}). Pass null rather than an empty list when a request has no
     *     tools: templates such as Llama 3.1's test {@code tools is not none} and would announce a tool
     *     environment for an empty list.
     * @param addGenerationPrompt whether to end with the header that starts the assistant's turn
     * @param extra further template variables ({@code enable_thinking}, {@code date_string}, ...); they may
     *     override {@code bos_token} and the others, as HF's keyword arguments do. May be null.
     * @throws ChatTemplateException when the template rejects the conversation, fails to render or runs past
     *     its budget
     */
    public String render(
            List<Message> messages, List<Tool> tools, boolean addGenerationPrompt, Map<String, Object> extra) {
        Objects.requireNonNull(messages, "messages");
        List<Object> messageValues = new ArrayList<>(messages.size());
        for (Message message : messages) {
            messageValues.add(message.toTemplateValue(typedContent));
        }
        List<Object> toolValues = null;
        if (tools != null) {
            toolValues = new ArrayList<>(tools.size());
            for (Tool tool : tools) {
                toolValues.add(tool.toTemplateValue());
            }
        }
        if (toolValues != null && toolsInSystemMessage) {
            putToolsInSystemMessage(messageValues, tools);
        }
        return renderValues(messageValues, toolValues, addGenerationPrompt, extra);
    }

    /**
     * Phi-4-mini's way: the functions as a JSON string in the system message's {@code tools} (a system message
     * is added when there is none), as its model card shows.
     */
    @SuppressWarnings("unchecked")
    private static void putToolsInSystemMessage(List<Object> messages, List<Tool> tools) {
        List<Object> functions = new ArrayList<>(tools.size());
        for (Tool tool : tools) {
            functions.add(((Map<String, Object>) tool.toTemplateValue()).get("function"));
        }
        String json = PythonJson.dumps(functions);
        Map<String, Object> system = null;
        if (!messages.isEmpty() && messages.getFirst() instanceof Map<?, ?> first
                && "system".equals(first.get("role"))) {
            system = (Map<String, Object>) first;
        }
        if (system == null) {
            system = new java.util.LinkedHashMap<>();
            system.put("role", "system");
            system.put("content", "");
            messages.addFirst(system);
        }
        system.put("tools", json);
    }

    private boolean probeTools() {
        try {
            String output = render(List.of(Message.user("x")), List.of(new Tool(TOOL_PROBE, "probe", Map.of())), true,
                    Map.of());
            return output.contains(TOOL_PROBE);
        } catch (ChatTemplateException e) {
            if (e.overBudget()) {
                throw unusable(e);
            }
            return false; // a template that fails on tools cannot carry them
        } catch (RuntimeException e) { // a template that fails on tools cannot carry them
            return false;
        }
    }

    private String renderValues(
            List<Object> messages, List<Object> tools, boolean addGenerationPrompt, Map<String, Object> extra) {
        Map<String, Object> variables = new HashMap<>();
        variables.put("messages", messages);
        if (tools != null) {
            variables.put("tools", tools);
        }
        if (bosToken != null) {
            variables.put("bos_token", bosToken);
        }
        if (eosToken != null) {
            variables.put("eos_token", eosToken);
        }
        variables.put("add_generation_prompt", addGenerationPrompt);
        if (extra != null) {
            variables.putAll(extra);
        }
        return renderVariables(variables);
    }

    /**
     * Renders with exactly these template variables (plain maps, lists, strings, numbers, booleans), as
     * {@code template.render(**variables)} would in Python. For conformance tests against HF's output.
     */
    String renderVariables(Map<String, Object> variables) {
        Map<String, Object> context = new HashMap<>(variables);
        context.putIfAbsent("raise_exception", FUNCTION);
        context.putIfAbsent("strftime_now", FUNCTION);
        RenderResult result;
        try {
            result = RenderMeter.run(budget, () -> jinjava.renderForResult(rewritten, context));
        } catch (StackOverflowError e) {
            throw new ChatTemplateException("chat template failed: it nests too deeply");
        } catch (RuntimeException e) {
            throw failure("chat template failed", e);
        }
        for (TemplateError error : result.getErrors()) {
            if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
                throw error.getException() != null
                        ? failure("chat template failed", error.getException())
                        : new ChatTemplateException("chat template failed" + where(error) + ": " + error.getMessage());
            }
        }
        return result.getOutput();
    }

    private void checkSyntax() {
        JinjavaInterpreter interpreter = jinjava.newInterpreter();
        try (AutoCloseableImpl<JinjavaInterpreter> current =
                     JinjavaInterpreter.closeablePushCurrent(interpreter).get()) {
            current.value().parse(rewritten);
        } catch (RuntimeException e) {
            throw failure("chat template does not parse", e);
        }
    }

    /** The user-facing error for an exception out of Jinjava: the template's own message where there is one. */
    private ChatTemplateException failure(String what, Throwable e) {
        InterpretException located = null;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TemplateFunctions.RaisedByTemplate raised) {
                return new ChatTemplateException("chat template rejected the conversation: " + raised.getMessage(),
                        ChatTemplateException.Cause.RAISED_BY_TEMPLATE);
            }
            if (t instanceof RenderMeter.Exceeded exceeded) {
                return overBudget(exceeded.getMessage());
            }
            if (t instanceof OutputTooBigException || t instanceof CollectionTooBigException) {
                return overBudget("it builds too much: " + t.getMessage());
            }
            if (t instanceof PythonInterpreter.Failure failure) {
                return new ChatTemplateException(what + where(failure.error()) + ": " + failure.error().getMessage());
            }
            if (located == null && t instanceof InterpretException interpret && interpret.getLineNumber() > 0) {
                located = interpret;
            }
        }
        String at = located == null ? "" : " at line " + located.getLineNumber();
        return new ChatTemplateException(what + at + ": " + rootMessage(e));
    }

    private ChatTemplateException overBudget(String what) {
        return new ChatTemplateException("chat template stopped: " + what + " (its budget is " + budget.describe()
                + " per render)", ChatTemplateException.Cause.OVER_BUDGET);
    }

    /** A trial render at load ran out of budget: the template would do the same to every request. */
    private static ChatTemplateException unusable(ChatTemplateException e) {
        return new ChatTemplateException("chat template is unusable: it cannot render a one-message conversation"
                + " within its budget. " + e.getMessage(), ChatTemplateException.Cause.OVER_BUDGET);
    }

    private static String where(TemplateError error) {
        return error.getLineno() > 0 ? " at line " + error.getLineno() : "";
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }

    /**
     * Renders one user message with structured content; the template handles parts when the probe text
     * comes out on its own, not inside the printed list ({@code [{'type': 'text', 'text': '...'}]}).
     */
    private boolean probeTypedContent() {
        Map<String, Object> message = new HashMap<>();
        message.put("role", "user");
        message.put("content", List.of(ContentPart.text(PROBE).toTemplateValue()));
        String output;
        try {
            output = renderValues(List.of(message), null, true, Map.of());
        } catch (ChatTemplateException e) {
            if (e.overBudget()) {
                throw unusable(e);
            }
            return false;
        }
        int at = output.indexOf(PROBE);
        if (at < 0) {
            return false;
        }
        String before = output.substring(Math.max(0, at - 12), at);
        return !before.contains("text");
    }
}
