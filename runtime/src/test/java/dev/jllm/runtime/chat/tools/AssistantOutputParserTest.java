package dev.jllm.runtime.chat.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The streaming side: text is fed in pieces (one character at a time, the worst case for markers split across
 * tokens); content before a call streams, a possible marker is held, the calls come as OpenAI's deltas, and the
 * stream always adds up to the whole answer.
 */
class AssistantOutputParserTest {

  private static List<OutputDelta> feed(AssistantOutputParser p, String text, int pieceSize) {
    List<OutputDelta> out = new ArrayList<>();
    for (int i = 0; i < text.length(); i += pieceSize) {
      out.addAll(p.accept(text.substring(i, Math.min(text.length(), i + pieceSize))));
    }
    out.addAll(p.finish());
    return out;
  }

  private static String contentOf(List<OutputDelta> deltas) {
    StringBuilder s = new StringBuilder();
    deltas.forEach(d -> {
      if (d instanceof OutputDelta.Content c) {
        s.append(c.text());
      }
    });
    return s.toString();
  }

  /** The calls' deltas grouped per call: its start, then its argument pieces joined. */
  private static List<String> callsOf(List<OutputDelta> deltas) {
    List<String> calls = new ArrayList<>();
    for (OutputDelta d : deltas) {
      if (d instanceof OutputDelta.CallStart c) {
        calls.add(c.index() + ":" + c.name() + ":");
      } else if (d instanceof OutputDelta.CallArguments a) {
        calls.set(a.index(), calls.get(a.index()) + a.arguments());
      }
    }
    return calls;
  }

  @Test
  void hermesCallsStreamAsOpenAiDeltas() {
    String text = "Let me check.\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>\n"
        + "<tool_call>\n{\"name\": \"get_time\", \"arguments\": {}}\n</tool_call>";
    for (int size : new int[] {1, 3, 7, text.length()}) {
      AssistantOutputParser p = new AssistantOutputParser(null, new HermesFormat(), 8);
      List<OutputDelta> deltas = feed(p, text, size);
      assertThat(contentOf(deltas)).isEqualTo("Let me check.");
      assertThat(callsOf(deltas)).containsExactly("0:get_weather:{\"city\":\"Paris\"}", "1:get_time:{}");
      List<OutputDelta.CallStart> starts = deltas.stream().filter(d -> d instanceof OutputDelta.CallStart)
          .map(d -> (OutputDelta.CallStart) d).toList();
      assertThat(starts.get(0).id()).matches("call_[A-Za-z0-9]{24}");
      assertThat(starts.get(1).id()).isNotEqualTo(starts.get(0).id());
      assertThat(p.calls()).extracting(AssistantOutputParser.ToolCallResult::name).containsExactly("get_weather", "get_time");
      assertThat(p.calls()).extracting(AssistantOutputParser.ToolCallResult::arguments)
          .containsExactly("{\"city\":\"Paris\"}", "{}");
      assertThat(p.content()).isEqualTo("Let me check.");
    }
  }

  @Test
  void argumentsStreamInPiecesAsTheModelWritesThem() {
    AssistantOutputParser p = new AssistantOutputParser(null, new HermesFormat(), 8);
    assertThat(p.accept("<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {")).isEmpty();
    List<OutputDelta> first = p.accept("\"ci");
    assertThat(first.getFirst()).isInstanceOfSatisfying(OutputDelta.CallStart.class, c -> {
      assertThat(c.index()).isZero();
      assertThat(c.name()).isEqualTo("get_weather");
    });
    assertThat(first.subList(1, first.size())).containsExactly(new OutputDelta.CallArguments(0, "{\""),
        new OutputDelta.CallArguments(0, "c"), new OutputDelta.CallArguments(0, "i"));
    assertThat(p.accept("ty\": \"Oslo\"")).extracting(d -> ((OutputDelta.CallArguments) d).arguments())
        .containsExactly("t", "y", "\"", ":", "\"", "O", "s", "l", "o", "\"");
    assertThat(p.accept("}}\n</tool_call>")).containsExactly(new OutputDelta.CallArguments(0, "}"));
    assertThat(p.finish()).isEmpty();
    assertThat(p.calls()).extracting(AssistantOutputParser.ToolCallResult::arguments).containsExactly("{\"city\":\"Oslo\"}");
  }

  @Test
  void aCallCutShortStaysACallWithTheArgumentsSoFar() {
    AssistantOutputParser p = new AssistantOutputParser(null, new HermesFormat(), 8);
    List<OutputDelta> deltas = feed(p, "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": [1, 2", 3);
    assertThat(callsOf(deltas)).containsExactly("0:f:{\"a\":[1,2");
    assertThat(contentOf(deltas)).isEmpty();
    assertThat(p.calls()).extracting(AssistantOutputParser.ToolCallResult::arguments).containsExactly("{\"a\":[1,2");
  }

  @Test
  void argumentsBeforeTheNameAndLlamaParametersAreParsedAtTheEnd() {
    AssistantOutputParser p = new AssistantOutputParser(null, new HermesFormat(), 8);
    List<OutputDelta> deltas = feed(p, "<tool_call>{\"arguments\": {\"x\": 1}, \"name\": \"f\"}</tool_call>", 2);
    assertThat(callsOf(deltas)).containsExactly("0:f:{\"x\":1}");
    AssistantOutputParser llama = new AssistantOutputParser(null, new Llama3Format(), 8);
    deltas = feed(llama, "{\"type\": \"function\", \"name\": \"g\", \"parameters\": {\"q\": \"a b\"}}", 1);
    assertThat(callsOf(deltas)).containsExactly("0:g:{\"q\":\"a b\"}");
    assertThat(deltas.stream().filter(d -> d instanceof OutputDelta.CallArguments).count()).isGreaterThan(5);
  }

  @Test
  void contentStreamsBeforeTheMarkerIsComplete() {
    AssistantOutputParser p = new AssistantOutputParser(null, new HermesFormat(), 8);
    assertThat(p.accept("Hello <tool")).containsExactly(new OutputDelta.Content("Hello"));
    assertThat(p.accept("kit is here")).containsExactly(new OutputDelta.Content(" <toolkit is here"));
    assertThat(p.finish()).isEmpty();
    assertThat(p.calls()).isEmpty();
  }

  @Test
  void malformedCallBecomesContent() {
    String text = "Sure <tool_call>{\"name\": \"f\", \"arguments\": {oops}}</tool_call>";
    AssistantOutputParser p = new AssistantOutputParser(null, new HermesFormat(), 8);
    assertThat(contentOf(feed(p, text, 2))).isEqualTo(text);
    assertThat(p.calls()).isEmpty();
  }

  @Test
  void parallelToolCallsFalseKeepsTheFirstCall() {
    String text = "<tool_call>{\"name\": \"a\", \"arguments\": {}}</tool_call><tool_call>{\"name\": \"b\", \"arguments\": {}}</tool_call>";
    AssistantOutputParser p = new AssistantOutputParser(null, new HermesFormat(), 1);
    feed(p, text, 5);
    assertThat(p.calls()).extracting(AssistantOutputParser.ToolCallResult::name).containsExactly("a");
  }

  @Test
  void llamaPlainAnswerIsHeldOnlyWhileItMightBeJson() {
    AssistantOutputParser p = new AssistantOutputParser(null, new Llama3Format(), 8);
    assertThat(p.accept("  ")).isEmpty();
    assertThat(p.accept("The")).containsExactly(new OutputDelta.Content("  The"));
    assertThat(p.accept(" sky {is} blue")).containsExactly(new OutputDelta.Content(" sky {is} blue"));
    assertThat(p.finish()).isEmpty();
  }

  @Test
  void mistralIdsAreKeptAndMadeUnique() {
    String text = "[TOOL_CALLS][{\"name\": \"f\", \"arguments\": {}, \"id\": \"abcdefghi\"}, "
        + "{\"name\": \"g\", \"arguments\": {}, \"id\": \"abcdefghi\"}]";
    AssistantOutputParser p = new AssistantOutputParser(null, new MistralFormat(), 8);
    feed(p, text, 4);
    assertThat(p.calls().get(0).id()).isEqualTo("abcdefghi");
    assertThat(p.calls().get(1).id()).matches("[A-Za-z0-9]{9}").isNotEqualTo("abcdefghi");
  }

  @Test
  void withoutToolsEverythingIsContentAtOnce() {
    AssistantOutputParser p = new AssistantOutputParser(null, null, 1);
    assertThat(p.accept("<tool_call>{")).containsExactly(new OutputDelta.Content("<tool_call>{"));
    assertThat(p.finish()).isEmpty();
  }

  @Test
  void thinkingThenCall() {
    String text = "<think>\nThe user wants weather.\n</think>\n\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\"}}\n</tool_call>";
    for (int size : new int[] {1, 4, text.length()}) {
      AssistantOutputParser p = new AssistantOutputParser(new ThinkingSplitter(false), new HermesFormat(), 8);
      List<OutputDelta> deltas = feed(p, text, size);
      assertThat(p.reasoning()).isEqualTo("The user wants weather.");
      assertThat(p.content()).isEmpty();
      assertThat(p.calls()).hasSize(1);
      assertThat(deltas.getFirst()).isInstanceOf(OutputDelta.Reasoning.class);
    }
  }
}
