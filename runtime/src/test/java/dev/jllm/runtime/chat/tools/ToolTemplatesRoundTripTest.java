package dev.jllm.runtime.chat.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jllm.template.ChatJson;
import dev.jllm.template.ChatTemplate;
import dev.jllm.template.Message;
import dev.jllm.template.Tool;
import dev.jllm.template.ToolCall;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A call as the model writes it, parsed, then sent back by the client as an assistant {@code tool_calls} message
 * with the {@code tool} answer, renders exactly as Hugging Face renders the same conversation (references made
 * by make_round_trip.py with Python's jinja2, HF's settings).
 */
class ToolTemplatesRoundTripTest {

  /** What each family's model writes for the call in the reference conversation. */
  private static final Map<String, String> MODEL_OUTPUT = Map.of(
      "qwen2.5-instruct.jinja",
      "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"c\"}}\n</tool_call>",
      "qwen3.jinja",
      "<think>\nThe user wants the weather.\n</think>\n\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"c\"}}\n</tool_call>",
      "llama-3.1-instruct.jinja",
      "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\", \"unit\": \"c\"}}",
      "mistral-7b-instruct-v0.3.jinja",
      "[TOOL_CALLS] [{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"c\"}, \"id\": \"abcdefghi\"}]");

  private static String resource(String path) throws IOException {
    try (InputStream in = ToolTemplatesRoundTripTest.class.getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void parsedCallsRenderBackAsHuggingFaceRendersThem() throws IOException {
    Map<String, Object> reference = (Map<String, Object>) ChatJson.parse(resource("round-trip.json"));
    List<Tool> tools = ((List<Map<String, Object>>) reference.get("tools")).stream()
        .map(t -> (Map<String, Object>) t.get("function"))
        .map(f -> new Tool((String) f.get("name"), (String) f.get("description"), (Map<String, Object>) f.get("parameters")))
        .toList();
    List<Map<String, Object>> cases = (List<Map<String, Object>>) reference.get("cases");
    assertThat(cases).hasSize(4);
    for (Map<String, Object> c : cases) {
      String name = (String) c.get("template");
      ChatTemplate template = ChatTemplate.of(resource("/dev/jllm/template/templates/" + name), "<s>", "</s>");
      assertThat(template.canCarryTools()).as(name).isTrue();

      ToolCallFormat format = ToolCallFormats.detect(template.source());
      ThinkingSplitter thinking = ThinkingSplitter.usedBy(template.source()) ? new ThinkingSplitter(false) : null;
      AssistantOutputParser parser = new AssistantOutputParser(thinking, format, 8);
      parser.accept(MODEL_OUTPUT.get(name));
      parser.finish();
      assertThat(parser.calls()).as(name).hasSize(1);
      AssistantOutputParser.ToolCallResult call = parser.calls().getFirst();
      assertThat(call.name()).isEqualTo("get_weather");
      assertThat(call.arguments()).isEqualTo("{\"city\":\"Paris\",\"unit\":\"c\"}");
      // the client keeps the id it was given; the reference used this one
      String id = (String) c.get("call_id");

      List<Message> conversation = List.of(
          Message.system("You are a helpful assistant."),
          Message.user("What is the weather in Paris?"),
          Message.assistant("", List.of(ToolCall.ofJsonArguments(id, call.name(), call.arguments()))),
          Message.tool(id, "{\"temperature\": 21}"));
      assertThat(template.render(conversation, tools, true, Map.of())).as(name).isEqualTo(c.get("expected"));
    }
  }

  @Test
  void templatesWithoutToolsSayWhatTheyCannotCarry() throws IOException {
    for (String name : List.of("llama-2-chat.jinja", "gemma-2-it.jinja", "zephyr-tinyllama.jinja",
        "phi-3.5-mini-instruct.jinja", "mistral-7b-instruct-v0.1.jinja")) {
      assertThat(ChatTemplate.of(resource("/dev/jllm/template/templates/" + name), "<s>", "</s>").canCarryTools()).as(name).isFalse();
    }
  }

  @Test
  void phi4MiniTakesTheToolsInTheSystemMessage() {
    // Phi-4-mini-instruct's template (its tokenizer_config.json), reading the tools from the system message
    String phi4 = "{% for message in messages %}{% if message['role'] == 'system' and 'tools' in message and "
        + "message['tools'] is not none %}{{ '<|' + message['role'] + '|>' + message['content'] + '<|tool|>' + "
        + "message['tools'] + '<|/tool|>' + '<|end|>' }}{% else %}{{ '<|' + message['role'] + '|>' + "
        + "message['content'] + '<|end|>' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>' }}"
        + "{% else %}{{ eos_token }}{% endif %}";
    ChatTemplate template = ChatTemplate.of(phi4, "<s>", "</s>");
    assertThat(template.canCarryTools()).isTrue();
    assertThat(ToolCallFormats.detect(phi4)).isInstanceOf(Phi4Format.class);
    String prompt = template.render(List.of(Message.user("Score?")),
        List.of(new Tool("get_match_result", "get match result", Map.of())), true, Map.of());
    assertThat(prompt).isEqualTo("<|system|><|tool|>[{\"name\": \"get_match_result\", \"description\": "
        + "\"get match result\", \"parameters\": {}}]<|/tool|><|end|><|user|>Score?<|end|><|assistant|>");
  }
}
