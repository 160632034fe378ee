package dev.jllm.template;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real chat templates of popular models (see templates/SOURCES.md) rendered through the public API, with
 * the exact text {@code apply_chat_template(..., tokenize=False)} gives. Expected strings marked
 * "recorded" come from the huggingface.js suite's Python-generated targets; the others are worked out
 * from the template by Jinja2's rules, step by step in the comments where it is not obvious.
 */
class ChatTemplateModelsTest {

    private static final String SYSTEM = "You are a friendly chatbot who always responds in the style of a pirate";
    private static final List<Message> CHAT =
            List.of(
                    Message.user("Hello, how are you?"),
                    Message.assistant("I'm doing great. How can I help you today?"),
                    Message.user("I'd like to show off how chat templating works!"));

    /** get_current_temperature as Python's json.dumps prints it. */
    private static final String TEMPERATURE_PARAMETERS =
            "{\"type\": \"object\", \"properties\": {\"location\": {\"type\": \"string\", \"description\": "
                    + "\"The location to get the temperature for, in the format \\\"City, Country\\\"\"}, \"unit\": "
                    + "{\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"], \"description\": \"The unit to "
                    + "return the temperature in.\"}}, \"required\": [\"location\", \"unit\"]}";
    private static final String WIND_PARAMETERS =
            "{\"type\": \"object\", \"properties\": {\"location\": {\"type\": \"string\", \"description\": "
                    + "\"The location to get the temperature for, in the format \\\"City, Country\\\"\"}}, "
                    + "\"required\": [\"location\"]}";
    private static final Tool TEMPERATURE =
            new Tool("get_current_temperature", "Get the current temperature at a location.", json(TEMPERATURE_PARAMETERS));
    private static final Tool WIND =
            new Tool("get_current_wind_speed", "Get the current wind speed in km/h at a given location.", json(WIND_PARAMETERS));

    @Test
    void smolLm2AddsItsDefaultSystemPrompt() {
        ChatTemplate template = load("smollm2.jinja", null, "<|im_end|>");

        // Recorded in Hugging Face's SmolLM course (apply_chat_template output).
        assertThat(template.render(List.of(Message.user("What is the capital of France?")), true))
                .isEqualTo(
                        "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
                                + "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n"
                                + "<|im_start|>assistant\n");
    }

    @Test
    void smolLm2KeepsAGivenSystemPrompt() {
        ChatTemplate template = load("smollm2.jinja", null, "<|im_end|>");
        List<Message> messages =
                List.of(
                        Message.system("You are a helpful assistant focused on technical topics."),
                        Message.user("Can you explain what a chat template is?"),
                        Message.assistant("A chat template structures conversations between users and AI models..."),
                        Message.user("How do I use it ?"));

        assertThat(template.render(messages, false))
                .isEqualTo(
                        "<|im_start|>system\nYou are a helpful assistant focused on technical topics.<|im_end|>\n"
                                + "<|im_start|>user\nCan you explain what a chat template is?<|im_end|>\n"
                                + "<|im_start|>assistant\nA chat template structures conversations between users and AI models...<|im_end|>\n"
                                + "<|im_start|>user\nHow do I use it ?<|im_end|>\n");
    }

    @Test
    void zephyrAndTinyLlamaTrimTheNewlinesAfterEachTag() {
        ChatTemplate template = load("zephyr-tinyllama.jinja", "<s>", "</s>");

        // Recorded. The template puts every tag on its own line; trim_blocks drops those newlines.
        assertThat(template.render(withSystem(CHAT), false))
                .isEqualTo(
                        "<|system|>\n" + SYSTEM + "</s>\n"
                                + "<|user|>\nHello, how are you?</s>\n"
                                + "<|assistant|>\nI'm doing great. How can I help you today?</s>\n"
                                + "<|user|>\nI'd like to show off how chat templating works!</s>\n");
        assertThat(
                        template.render(
                                List.of(Message.system(SYSTEM), Message.user("How many helicopters can a human eat in one sitting?")),
                                true))
                .isEqualTo(
                        "<|system|>\n" + SYSTEM + "</s>\n"
                                + "<|user|>\nHow many helicopters can a human eat in one sitting?</s>\n"
                                + "<|assistant|>\n");
    }

    @Test
    void llama2FoldsTheSystemPromptIntoTheFirstInstruction() {
        ChatTemplate template = load("llama-2-chat.jinja", "<s>", "</s>");

        // The literals hold "\n" escapes ('<<SYS>>\n'), which Jinja turns into newlines; strip() trims turns.
        assertThat(template.render(withSystem(CHAT), false))
                .isEqualTo(
                        "<s>[INST] <<SYS>>\n" + SYSTEM + "\n<</SYS>>\n\nHello, how are you? [/INST]"
                                + " I'm doing great. How can I help you today? </s>"
                                + "<s>[INST] I'd like to show off how chat templating works! [/INST]");
        assertThat(template.render(List.of(Message.user("  Hello  ")), true)).isEqualTo("<s>[INST] Hello [/INST]");
    }

    @Test
    void llama2RejectsRolesThatDoNotAlternate() {
        ChatTemplate template = load("llama-2-chat.jinja", "<s>", "</s>");

        assertThatThrownBy(() -> template.render(List.of(Message.user("a"), Message.user("b")), true))
                .isInstanceOfSatisfying(ChatTemplateException.class, e -> assertThat(e.raisedByTemplate()).isTrue())
                .hasMessage(
                        "chat template rejected the conversation: Conversation roles must alternate user/assistant/user/assistant/...");
    }

    @Test
    void llama3TrimsEachTurnAndPrefixesBos() {
        ChatTemplate template = load("llama-3-instruct.jinja", "<|begin_of_text|>", "<|eot_id|>");
        List<Message> messages =
                List.of(
                        Message.system("You are a helpful assistant"),
                        Message.user("Hello"),
                        Message.assistant("   I am an assistant   "),
                        Message.user("Who are you"));

        // "message['content'] | trim": the filter binds to the content only.
        assertThat(template.render(messages, true))
                .isEqualTo(
                        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a helpful assistant<|eot_id|>"
                                + "<|start_header_id|>user<|end_header_id|>\n\nHello<|eot_id|>"
                                + "<|start_header_id|>assistant<|end_header_id|>\n\nI am an assistant<|eot_id|>"
                                + "<|start_header_id|>user<|end_header_id|>\n\nWho are you<|eot_id|>"
                                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void llama31PutsToolsInTheFirstUserTurnAndQuotesStringToolResults() {
        ChatTemplate template = load("llama-3.1-instruct.jinja", "<|begin_of_text|>", "<|eot_id|>");
        Tool temperature =
                new Tool(
                        "get_current_temperature",
                        "Get the current temperature at a location.",
                        json("{\"type\": \"object\", \"properties\": {\"location\": {\"type\": \"string\"}}, \"required\": [\"location\"]}"));
        List<Message> messages =
                List.of(
                        Message.system("You are a bot that responds to weather queries."),
                        Message.user("Hey, what's the temperature in Paris right now?"),
                        Message.assistant(null, List.of(ToolCall.ofJsonArguments("call_1", "get_current_temperature", "{\"location\": \"Paris, France\"}"))),
                        Message.tool("call_1", "22.0"));

        // The tool result is a string; "content is iterable" holds for strings in Python, so HF prints it
        // with tojson: "22.0" keeps its quotes.
        assertThat(template.render(messages, List.of(temperature), true, Map.of()))
                .isEqualTo(
                        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                                + "Environment: ipython\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"
                                + "You are a bot that responds to weather queries.<|eot_id|>"
                                + "<|start_header_id|>user<|end_header_id|>\n\n"
                                + "Given the following functions, please respond with a JSON for a function call with its proper "
                                + "arguments that best answers the given prompt.\n\n"
                                + "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and "
                                + "its value}.Do not use variables.\n\n"
                                + "{\n"
                                + "    \"type\": \"function\",\n"
                                + "    \"function\": {\n"
                                + "        \"name\": \"get_current_temperature\",\n"
                                + "        \"description\": \"Get the current temperature at a location.\",\n"
                                + "        \"parameters\": {\n"
                                + "            \"type\": \"object\",\n"
                                + "            \"properties\": {\n"
                                + "                \"location\": {\n"
                                + "                    \"type\": \"string\"\n"
                                + "                }\n"
                                + "            },\n"
                                + "            \"required\": [\n"
                                + "                \"location\"\n"
                                + "            ]\n"
                                + "        }\n"
                                + "    }\n"
                                + "}\n\n"
                                + "Hey, what's the temperature in Paris right now?<|eot_id|>"
                                + "<|start_header_id|>assistant<|end_header_id|>\n\n"
                                + "{\"name\": \"get_current_temperature\", \"parameters\": {\"location\": \"Paris, France\"}}<|eot_id|>"
                                + "<|start_header_id|>ipython<|end_header_id|>\n\n\"22.0\"<|eot_id|>"
                                + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void llama32DatesTheSystemPromptWithStrftimeNow() {
        ChatTemplate template =
                load("llama-3.2-instruct.jinja", "<|begin_of_text|>", "<|eot_id|>")
                        .withClock(Clock.fixed(Instant.parse("2024-09-05T10:00:00Z"), ZoneOffset.UTC));
        String header = "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n";
        String rest =
                "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";

        assertThat(template.render(List.of(Message.user("Hi")), true))
                .isEqualTo(header + "Today Date: 05 Sep 2024\n\n" + rest);
        // A caller may pin the date as HF's date_string keyword does.
        assertThat(template.render(List.of(Message.user("Hi")), null, true, Map.of("date_string", "26 Jul 2024")))
                .isEqualTo(header + "Today Date: 26 Jul 2024\n\n" + rest);
    }

    @Test
    void mistralV01SeparatesTurnsWithEosAndASpace() {
        ChatTemplate template = load("mistral-7b-instruct-v0.1.jinja", "<s>", "</s>");

        // Recorded.
        assertThat(template.render(CHAT, false))
                .isEqualTo(
                        "<s>[INST] Hello, how are you? [/INST]I'm doing great. How can I help you today?</s> "
                                + "[INST] I'd like to show off how chat templating works! [/INST]");
    }

    @Test
    void mistralV02RejectsASystemMessage() {
        ChatTemplate template = load("mistral-7b-instruct-v0.2.jinja", "<s>", "</s>");

        // Recorded.
        assertThat(template.render(CHAT, false))
                .isEqualTo(
                        "<s>[INST] Hello, how are you? [/INST]I'm doing great. How can I help you today?</s>"
                                + "[INST] I'd like to show off how chat templating works! [/INST]");
        assertThatThrownBy(() -> template.render(withSystem(CHAT), true))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("Conversation roles must alternate");
    }

    @Test
    void mistralV03ListsToolsAndCalls() {
        ChatTemplate template = load("mistral-7b-instruct-v0.3.jinja", "<s>", "</s>");
        List<Message> messages =
                List.of(
                        Message.system("You are a bot that responds to weather queries. You should reply with the unit used in the queried location."),
                        Message.user("Hey, what's the temperature in Paris right now?"),
                        Message.assistant(
                                null,
                                List.of(ToolCall.ofJsonArguments(
                                        "abcdef123", "get_current_temperature", "{\"location\": \"Paris, France\", \"unit\": \"celsius\"}"))),
                        Message.tool("abcdef123", "22.0").withName("get_current_temperature"));

        // Recorded. The template drops the system message; "for key, val in tool|items if key != 'return'"
        // walks the function's fields; the tool result is printed with |string, unquoted.
        assertThat(template.render(messages, List.of(TEMPERATURE, WIND), false, Map.of()))
                .isEqualTo(
                        "<s> [AVAILABLE_TOOLS] ["
                                + "{\"type\": \"function\", \"function\": {\"name\": \"get_current_temperature\", "
                                + "\"description\": \"Get the current temperature at a location.\", \"parameters\": "
                                + TEMPERATURE_PARAMETERS + "}}, "
                                + "{\"type\": \"function\", \"function\": {\"name\": \"get_current_wind_speed\", "
                                + "\"description\": \"Get the current wind speed in km/h at a given location.\", \"parameters\": "
                                + WIND_PARAMETERS + "}}"
                                + "] [/AVAILABLE_TOOLS] [INST] Hey, what's the temperature in Paris right now? [/INST]"
                                + " [TOOL_CALLS] [{\"name\": \"get_current_temperature\", \"arguments\": "
                                + "{\"location\": \"Paris, France\", \"unit\": \"celsius\"}, \"id\": \"abcdef123\"}] </s>"
                                + " [TOOL_RESULTS] {\"call_id\": \"abcdef123\", \"content\": 22.0} [/TOOL_RESULTS] ");
    }

    @Test
    void qwen25UsesItsDefaultSystemPromptWithoutTools() {
        ChatTemplate template = load("qwen2.5-instruct.jinja", null, "<|im_end|>");

        assertThat(template.render(List.of(Message.user("Hello")), true))
                .isEqualTo(
                        "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                                + "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void qwen25RendersToolsCallsAndGroupedResults() {
        ChatTemplate template = load("qwen2.5-instruct.jinja", null, "<|im_end|>");
        String temperatureParameters =
                "{\"type\": \"object\", \"properties\": {\"location\": {\"type\": \"string\", \"description\": \"The location to get "
                        + "the temperature for, in the format \\\"City, State, Country\\\".\"}, \"unit\": {\"type\": \"string\", \"enum\": "
                        + "[\"celsius\", \"fahrenheit\"], \"description\": \"The unit to return the temperature in. Defaults to "
                        + "\\\"celsius\\\".\"}}, \"required\": [\"location\"]}";
        String dateParameters =
                "{\"type\": \"object\", \"properties\": {\"location\": {\"type\": \"string\", \"description\": \"The location to get "
                        + "the temperature for, in the format \\\"City, State, Country\\\".\"}, \"date\": {\"type\": \"string\", "
                        + "\"description\": \"The date to get the temperature for, in the format \\\"Year-Month-Day\\\".\"}, \"unit\": "
                        + "{\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"], \"description\": \"The unit to return the "
                        + "temperature in. Defaults to \\\"celsius\\\".\"}}, \"required\": [\"location\", \"date\"]}";
        List<Tool> tools =
                List.of(
                        new Tool("get_current_temperature", "Get current temperature at a location.", json(temperatureParameters)),
                        new Tool("get_temperature_date", "Get temperature at a location and date.", json(dateParameters)));
        String result1 = "{\"temperature\": 26.1, \"location\": \"San Francisco, CA, USA\", \"unit\": \"celsius\"}";
        String result2 =
                "{\"temperature\": 25.9, \"location\": \"San Francisco, CA, USA\", \"date\": \"2024-10-01\", \"unit\": \"celsius\"}";
        List<Message> messages =
                List.of(
                        Message.system("You are Qwen, created by Alibaba Cloud. You are a helpful assistant.\n\nCurrent Date: 2024-09-30"),
                        Message.user("What's the temperature in San Francisco now? How about tomorrow?"),
                        Message.assistant(
                                "",
                                List.of(
                                        ToolCall.ofJsonArguments(null, "get_current_temperature", "{\"location\": \"San Francisco, CA, USA\"}"),
                                        ToolCall.ofJsonArguments(
                                                null, "get_temperature_date", "{\"location\": \"San Francisco, CA, USA\", \"date\": \"2024-10-01\"}"))),
                        Message.tool(null, result1).withName("get_current_temperature"),
                        Message.tool(null, result2).withName("get_temperature_date"));

        // Recorded.
        assertThat(template.render(messages, tools, false, Map.of()))
                .isEqualTo(
                        "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.\n\n"
                                + "Current Date: 2024-09-30\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
                                + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
                                + "{\"type\": \"function\", \"function\": {\"name\": \"get_current_temperature\", \"description\": "
                                + "\"Get current temperature at a location.\", \"parameters\": " + temperatureParameters + "}}\n"
                                + "{\"type\": \"function\", \"function\": {\"name\": \"get_temperature_date\", \"description\": "
                                + "\"Get temperature at a location and date.\", \"parameters\": " + dateParameters + "}}\n"
                                + "</tools>\n\nFor each function call, return a json object with function name and arguments within "
                                + "<tool_call></tool_call> XML tags:\n<tool_call>\n"
                                + "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n"
                                + "<|im_start|>user\nWhat's the temperature in San Francisco now? How about tomorrow?<|im_end|>\n"
                                + "<|im_start|>assistant\n<tool_call>\n"
                                + "{\"name\": \"get_current_temperature\", \"arguments\": {\"location\": \"San Francisco, CA, USA\"}}\n"
                                + "</tool_call>\n<tool_call>\n"
                                + "{\"name\": \"get_temperature_date\", \"arguments\": {\"location\": \"San Francisco, CA, USA\", "
                                + "\"date\": \"2024-10-01\"}}\n</tool_call><|im_end|>\n"
                                + "<|im_start|>user\n<tool_response>\n" + result1 + "\n</tool_response>\n"
                                + "<tool_response>\n" + result2 + "\n</tool_response><|im_end|>\n");
    }

    @Test
    void qwen3RendersAPlainQuestion() {
        ChatTemplate template = load("qwen3.jinja", null, "<|im_end|>");

        // Recorded.
        assertThat(template.render(List.of(Message.user("Give me a short introduction to large language model.")), true))
                .isEqualTo(
                        "<|im_start|>user\nGive me a short introduction to large language model.<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void qwen3DropsReasoningOfTurnsBeforeTheLastQuestion() {
        ChatTemplate template = load("qwen3.jinja", null, "<|im_end|>");
        List<Message> messages =
                List.of(
                        Message.user("What is 1+1?"),
                        Message.assistant("<think>\nsimple math\n</think>\n\n2"),
                        Message.user("And 2+2?"));

        // The backwards walk (messages[::-1]) finds the last user query at index 2. The assistant turn at
        // index 1 comes before it: the text after "</think>", lstripped of newlines, is all that is kept.
        assertThat(template.render(messages, true))
                .isEqualTo(
                        "<|im_start|>user\nWhat is 1+1?<|im_end|>\n<|im_start|>assistant\n2<|im_end|>\n"
                                + "<|im_start|>user\nAnd 2+2?<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void qwen3KeepsReasoningAndToolCallsAfterTheLastQuestion() {
        ChatTemplate template = load("qwen3.jinja", null, "<|im_end|>");
        Tool weather =
                new Tool(
                        "get_weather",
                        "Get the weather",
                        json("{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}"));
        List<Message> messages =
                List.of(
                        Message.user("Weather in Paris?"),
                        Message.assistant("", List.of(ToolCall.ofJsonArguments("c1", "get_weather", "{\"city\": \"Paris\"}")))
                                .withReasoningContent("Need the weather tool."),
                        Message.tool("c1", "sunny"));

        // The last user query is at index 0, so the assistant turn after it keeps its reasoning in
        // <think>; its content is empty, so no newline precedes the first <tool_call>; the tool result
        // becomes a user turn.
        assertThat(template.render(messages, List.of(weather), true, Map.of()))
                .isEqualTo(
                        "<|im_start|>system\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
                                + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
                                + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Get the weather\", "
                                + "\"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, "
                                + "\"required\": [\"city\"]}}}\n"
                                + "</tools>\n\nFor each function call, return a json object with function name and arguments within "
                                + "<tool_call></tool_call> XML tags:\n<tool_call>\n"
                                + "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n"
                                + "<|im_start|>user\nWeather in Paris?<|im_end|>\n"
                                + "<|im_start|>assistant\n<think>\nNeed the weather tool.\n</think>\n\n"
                                + "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call><|im_end|>\n"
                                + "<|im_start|>user\n<tool_response>\nsunny\n</tool_response><|im_end|>\n"
                                + "<|im_start|>assistant\n");
    }

    @Test
    void qwen3CanBeToldNotToThink() {
        ChatTemplate template = load("qwen3.jinja", null, "<|im_end|>");

        assertThat(template.render(List.of(Message.user("Hi")), null, true, Map.of("enable_thinking", false)))
                .isEqualTo("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
    }

    @Test
    void gemma2TrimsTurnsAndCallsTheAssistantModel() {
        ChatTemplate template = load("gemma-2-it.jinja", "<bos>", "<eos>");
        List<Message> messages = List.of(Message.user("Hello"), Message.assistant("  Hi there "), Message.user("Who are you"));

        assertThat(template.render(messages, true))
                .isEqualTo(
                        "<bos><start_of_turn>user\nHello<end_of_turn>\n<start_of_turn>model\nHi there<end_of_turn>\n"
                                + "<start_of_turn>user\nWho are you<end_of_turn>\n<start_of_turn>model\n");
        assertThatThrownBy(() -> template.render(withSystem(messages), true))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("chat template rejected the conversation: System role not supported");
    }

    @Test
    void gemma3FoldsTheSystemPromptIntoTheFirstUserTurn() {
        ChatTemplate template = load("gemma-3-it.jinja", "<bos>", "<eos>");
        List<Message> messages =
                List.of(Message.system("You are helpful."), Message.user(" Hi "), Message.assistant("Hello"), Message.user("Bye"));
        String expected =
                "<bos><start_of_turn>user\nYou are helpful.\n\nHi<end_of_turn>\n<start_of_turn>model\nHello<end_of_turn>\n"
                        + "<start_of_turn>user\nBye<end_of_turn>\n<start_of_turn>model\n";

        assertThat(template.supportsTypedContent()).isTrue();
        assertThat(template.render(messages, true)).isEqualTo(expected);
        // Structured content takes the template's other branch (content[0]['text'] and a loop over parts).
        List<Message> parts =
                List.of(
                        new Message("system", null, List.of(ContentPart.text("You are helpful.")), null, null, null, null),
                        Message.user(List.of(ContentPart.text(" Hi "))),
                        Message.assistant("Hello"),
                        Message.user(List.of(ContentPart.text("Bye"))));
        assertThat(template.render(parts, true)).isEqualTo(expected);
    }

    @Test
    void phi35EndsWithEosWithoutAGenerationPrompt() {
        ChatTemplate template = load("phi-3.5-mini-instruct.jinja", "<s>", "<|endoftext|>");
        List<Message> messages =
                List.of(Message.system("You are a helpful assistant"), Message.user("Hello"), Message.assistant("Hi there"), Message.user("Who are you"));
        String turns =
                "<|system|>\nYou are a helpful assistant<|end|>\n<|user|>\nHello<|end|>\n<|assistant|>\nHi there<|end|>\n"
                        + "<|user|>\nWho are you<|end|>\n";

        assertThat(template.render(messages, true)).isEqualTo(turns + "<|assistant|>\n");
        assertThat(template.render(messages, false)).isEqualTo(turns + "<|endoftext|>");
    }

    @Test
    void structuredContentStaysStructuredForTemplatesThatIterateParts() {
        ChatTemplate template = load("qwen2.5-vl-instruct.jinja", null, "<|im_end|>");

        assertThat(template.supportsTypedContent()).isTrue();
        assertThat(template.render(List.of(Message.user(List.of(ContentPart.text("Describe this image.")))), true))
                .isEqualTo(
                        "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                                + "<|im_start|>user\nDescribe this image.<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void structuredContentIsFlattenedForTemplatesThatPrintStrings() {
        ChatTemplate template = load("smollm2.jinja", null, "<|im_end|>");

        assertThat(template.supportsTypedContent()).isFalse();
        assertThat(
                        template.render(
                                List.of(Message.system("S"), Message.user(List.of(ContentPart.text("first"), ContentPart.text("second")))),
                                false))
                .isEqualTo("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nfirst\nsecond<|im_end|>\n");
    }

    private static List<Message> withSystem(List<Message> chat) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(Message.system(SYSTEM)), chat.stream()).toList();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String text) {
        return (Map<String, Object>) PythonJson.loads(text);
    }

    static ChatTemplate load(String resource, String bos, String eos) {
        try (InputStream in = ChatTemplateModelsTest.class.getResourceAsStream("templates/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test template " + resource);
            }
            return ChatTemplate.of(new String(in.readAllBytes(), StandardCharsets.UTF_8), bos, eos);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
