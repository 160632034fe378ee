package dev.jllm.runtime.chat.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each family's parser on the output shapes its models write (llama.cpp's test-chat cases and model cards). */
class ToolCallFormatsTest {

  private static ParsedCall call(String name, String arguments) {
    return new ParsedCall(name, arguments, null);
  }

  @Test
  void hermesSingleCallAfterContent() {
    ParsedOutput out = new HermesFormat().parse(
        "Hello, world!\nWhat's up?<tool_call>\n{\"name\": \"special_function\", \"arguments\": {\"arg1\": 1}}\n</tool_call>");
    assertThat(out.content()).isEqualTo("Hello, world!\nWhat's up?");
    assertThat(out.calls()).containsExactly(call("special_function", "{\"arg1\":1}"));
  }

  @Test
  void hermesParallelCallsAndUnclosedLast() {
    ParsedOutput out = new HermesFormat().parse(
        "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"c\"}}\n</tool_call>\n"
            + "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {\"tz\": \"Europe/Paris\"}}\n");
    assertThat(out.content()).isEmpty();
    assertThat(out.calls()).containsExactly(
        call("get_weather", "{\"city\":\"Paris\",\"unit\":\"c\"}"),
        call("get_time", "{\"tz\":\"Europe/Paris\"}"));
  }

  @Test
  void hermesArgumentsAsJsonStringAndNestedBraces() {
    ParsedOutput out = new HermesFormat().parse(
        "<tool_call>{\"name\": \"f\", \"arguments\": \"{\\\"q\\\": \\\"a } b\\\"}\"}</tool_call>");
    assertThat(out.calls()).containsExactly(call("f", "{\"q\":\"a } b\"}"));
  }

  @Test
  void hermesMalformedIsContent() {
    String text = "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": }\n</tool_call>";
    assertThat(new HermesFormat().parse(text)).isEqualTo(ParsedOutput.text(text));
    String noName = "<tool_call>{\"arguments\": {}}</tool_call>";
    assertThat(new HermesFormat().parse(noName)).isEqualTo(ParsedOutput.text(noName));
    String cut = "<tool_call>\n{\"name\": \"f\", \"argu";
    assertThat(new HermesFormat().parse(cut)).isEqualTo(ParsedOutput.text(cut));
  }

  @Test
  void llama3BareJsonWithParameters() {
    Llama3Format f = new Llama3Format();
    assertThat(f.parse("{\"name\": \"special_function\", \"parameters\": {\"arg1\": 1}}").calls())
        .containsExactly(call("special_function", "{\"arg1\":1}"));
    assertThat(f.parse("{\"type\": \"function\", \"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}; "
        + "{\"name\": \"get_time\", \"parameters\": {}}").calls())
        .containsExactly(call("get_weather", "{\"city\":\"Oslo\"}"), call("get_time", "{}"));
  }

  @Test
  void llama3PythonTag() {
    Llama3Format f = new Llama3Format();
    assertThat(f.parse("<|python_tag|>{\"name\": \"f\", \"parameters\": {\"x\": [1, 2]}}").calls())
        .containsExactly(call("f", "{\"x\":[1,2]}"));
    assertThat(f.parse("<|python_tag|>brave_search.call(query=\"weather in Paris\", count=3)").calls())
        .containsExactly(call("brave_search", "{\"query\":\"weather in Paris\",\"count\":3}"));
    assertThat(f.parse("<|python_tag|>print(1 + 1)").calls())
        .containsExactly(call("python", "{\"code\":\"print(1 + 1)\"}"));
  }

  @Test
  void llama3PlainTextAndJsonThatIsNoCall() {
    Llama3Format f = new Llama3Format();
    assertThat(f.parse("Hello, world!\nWhat's up?").calls()).isEmpty();
    String json = "{\"answer\": 42}";
    assertThat(f.parse(json)).isEqualTo(ParsedOutput.text(json));
    String later = "Here: {\"name\": \"f\", \"parameters\": {}}";
    assertThat(f.parse(later)).isEqualTo(ParsedOutput.text(later));
  }

  @Test
  void mistralJsonListWithIds() {
    ParsedOutput out = new MistralFormat().parse("[TOOL_CALLS][{\"name\": \"special_function\", \"arguments\": "
        + "{\"arg1\": 1}, \"id\": \"123456789\"}, {\"name\": \"g\", \"arguments\": {}, \"id\": \"abcdefghi\"}]");
    assertThat(out.calls()).containsExactly(new ParsedCall("special_function", "{\"arg1\":1}", "123456789"),
        new ParsedCall("g", "{}", "abcdefghi"));
  }

  @Test
  void mistralNameArgsForms() {
    MistralFormat f = new MistralFormat();
    assertThat(f.parse("Hello, world!\nWhat's up?[TOOL_CALLS]special_function[ARGS]{\"arg1\": 1}"))
        .isEqualTo(new ParsedOutput("Hello, world!\nWhat's up?", List.of(call("special_function", "{\"arg1\":1}"))));
    assertThat(f.parse("[TOOL_CALLS]special_function[CALL_ID]000000001[ARGS]{\"arg1\": 1}"
        + "[TOOL_CALLS]special_function_with_opt[CALL_ID]000000002[ARGS]{\"arg1\": 1, \"arg2\": 2}").calls())
        .containsExactly(new ParsedCall("special_function", "{\"arg1\":1}", "000000001"),
            new ParsedCall("special_function_with_opt", "{\"arg1\":1,\"arg2\":2}", "000000002"));
    assertThat(f.newCallId()).matches("[A-Za-z0-9]{9}");
    String broken = "[TOOL_CALLS]f[ARGS]{\"a\":";
    assertThat(f.parse(broken)).isEqualTo(ParsedOutput.text(broken));
  }

  @Test
  void phi4TaggedListAndFunctools() {
    Phi4Format f = new Phi4Format();
    assertThat(f.parse("<|tool_call|>[{\"name\": \"get_match_result\", \"arguments\": {\"match\": \"Arsenal vs ManCity\"}}]<|/tool_call|>").calls())
        .containsExactly(call("get_match_result", "{\"match\":\"Arsenal vs ManCity\"}"));
    assertThat(f.parse("functools[{\"name\": \"a\", \"arguments\": {}}, {\"name\": \"b\", \"arguments\": {\"x\": 1}}]").calls())
        .containsExactly(call("a", "{}"), call("b", "{\"x\":1}"));
    String broken = "functools[{\"name\": 1}]";
    assertThat(f.parse(broken)).isEqualTo(ParsedOutput.text(broken));
  }

  @Test
  void genericJson() {
    GenericJsonFormat f = new GenericJsonFormat();
    assertThat(f.parse("{\"tool_calls\": [{\"name\": \"special_function\", \"arguments\": {\"arg1\": 1}, \"id\": \"123456789\"}]}"))
        .isEqualTo(new ParsedOutput("", List.of(new ParsedCall("special_function", "{\"arg1\":1}", "123456789"))));
    assertThat(f.parse("{\"tool_call\": {\"name\": \"f\", \"arguments\": {}}}").calls()).containsExactly(call("f", "{}"));
    assertThat(f.parse("{\"response\": \"Hello, world!\\nWhat's up?\"}")).isEqualTo(ParsedOutput.text("Hello, world!\nWhat's up?"));
    assertThat(f.parse("Hello")).isEqualTo(ParsedOutput.text("Hello"));
  }

  @Test
  void detectionFromTemplateSource() {
    assertThat(ToolCallFormats.detect("{{- '<tool_call>\\n' }}")).isInstanceOf(HermesFormat.class);
    assertThat(ToolCallFormats.detect("{{ '[TOOL_CALLS] ' }}")).isInstanceOf(MistralFormat.class);
    assertThat(ToolCallFormats.detect("{{ '<|python_tag|>' }}")).isInstanceOf(Llama3Format.class);
    assertThat(ToolCallFormats.detect("{{ '<|tool|>' + message['tools'] + '<|/tool|>' }}")).isInstanceOf(Phi4Format.class);
    assertThat(ToolCallFormats.detect("{% for tool in tools %}{{ tool | tojson }}{% endfor %}"))
        .isInstanceOf(GenericJsonFormat.class);
  }
}
