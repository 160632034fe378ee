package dev.jllm.runtime.chat.tools;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The streaming check of call arguments: valid JSON prefixes pass (whitespace dropped), anything else stops. */
class JsonPrefixTest {

  /** What a feed keeps of the text, or null when it rejects a character; "!" appended when complete. */
  private static String feed(String text) {
    JsonPrefix p = new JsonPrefix();
    StringBuilder kept = new StringBuilder();
    for (char c : text.toCharArray()) {
      switch (p.feed(c)) {
        case KEEP -> kept.append(c);
        case SKIP -> { }
        case REJECT -> {
          return null;
        }
      }
    }
    return p.done() ? kept + "!" : kept.toString();
  }

  @Test
  void validObjectsPassCompactAndComplete() {
    assertThat(feed("{ \"a\" : [1, -2.5e3, true, false, null], \"b\": {\"c\": \"x y\\n\\u00e9\"} }"))
        .isEqualTo("{\"a\":[1,-2.5e3,true,false,null],\"b\":{\"c\":\"x y\\n\\u00e9\"}}!");
    assertThat(feed("{}")).isEqualTo("{}!");
    assertThat(feed("{\"a\": []}")).isEqualTo("{\"a\":[]}!");
    assertThat(feed("{\"a\": \"un")).isEqualTo("{\"a\":\"un");
  }

  @Test
  void invalidTextIsRejectedWhereItGoesWrong() {
    assertThat(feed("{oops}")).isNull();
    assertThat(feed("{\"a\" 1}")).isNull();
    assertThat(feed("{\"a\": tru3}")).isNull();
    assertThat(feed("{\"a\": \"\\q\"}")).isNull();
    assertThat(feed("{\"a\": [1}")).isNull();
    assertThat(feed("\"a string\"")).isNull();
    assertThat(feed("{} ")).isNull(); // nothing may follow the value
  }
}
