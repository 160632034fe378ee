package dev.jllm.template;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Expected strings are what CPython's json.dumps / repr print. */
class PythonJsonTest {

    @ParameterizedTest(name = "repr({0}) = {1}")
    @CsvSource({
        "1.0, 1.0",
        "0.1, 0.1",
        "-2.5, -2.5",
        "1e16, 1e+16",
        "1e15, 1000000000000000.0",
        "123456789012345678, 1.2345678901234568e+17",
        "0.0001, 0.0001",
        "0.00001, 1e-05",
        "1.5e-7, 1.5e-07",
        "3.141592653589793, 3.141592653589793",
        "-0.0, -0.0",
        "1e300, 1e+300",
        "5e-324, 5e-324",
    })
    void floatsPrintAsPythonRepr(double value, String expected) {
        assertThat(PythonJson.floatRepr(value)).isEqualTo(expected);
    }

    @Test
    void dumpsWithPythonsSeparatorsAndKeyOrder() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("z", 1L);
        value.put("a", List.of(true, false));
        value.put("n", null);
        value.put("f", 2.0);
        value.put("e", Map.of());
        value.put("l", List.of());

        assertThat(PythonJson.dumps(value))
                .isEqualTo("{\"z\": 1, \"a\": [true, false], \"n\": null, \"f\": 2.0, \"e\": {}, \"l\": []}");
        assertThat(PythonJson.dumps(value, null, null, null, true, false))
                .isEqualTo("{\"a\": [true, false], \"e\": {}, \"f\": 2.0, \"l\": [], \"n\": null, \"z\": 1}");
        assertThat(PythonJson.dumps(value, null, ",", ":", false, false))
                .isEqualTo("{\"z\":1,\"a\":[true,false],\"n\":null,\"f\":2.0,\"e\":{},\"l\":[]}");
    }

    @Test
    void indentsLikePython() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("a", List.of(1L, Map.of("b", "c")));
        value.put("d", List.of());

        assertThat(PythonJson.dumps(value, "  ", null, null, false, false))
                .isEqualTo("{\n  \"a\": [\n    1,\n    {\n      \"b\": \"c\"\n    }\n  ],\n  \"d\": []\n}");
    }

    @Test
    void escapesOnlyWhatPythonEscapesWithEnsureAsciiOff() {
        String text = "quote\" backslash\\ nl\n tab\t bell\u0007 del\u007f é 日本 😀 </tag> & '";

        assertThat(PythonJson.dumps(text))
                .isEqualTo("\"quote\\\" backslash\\\\ nl\\n tab\\t bell\\u0007 del\u007f é 日本 😀 </tag> & '\"");
        assertThat(PythonJson.dumps("é😀", null, null, null, false, true)).isEqualTo("\"\\u00e9\\ud83d\\ude00\"");
    }

    @Test
    void loadsKeepsOrderAndPythonNumberTypes() {
        Object value = PythonJson.loads(" {\"b\": [1, -2.5, 1e2, 12345678901234567890], \"a\": {\"x\": null}, \"s\": \"\\u00e9\\n\"} ");

        assertThat(value).isInstanceOf(Map.class);
        Map<?, ?> map = (Map<?, ?>) value;
        assertThat(new ArrayList<Object>(map.keySet())).containsExactly("b", "a", "s");
        assertThat(new ArrayList<Object>((List<?>) map.get("b")))
                .containsExactly(1L, -2.5, 100.0, new BigInteger("12345678901234567890"));
        assertThat(map.get("s")).isEqualTo("é\n");
        assertThat(PythonJson.dumps(value))
                .isEqualTo("{\"b\": [1, -2.5, 100.0, 12345678901234567890], \"a\": {\"x\": null}, \"s\": \"é\\n\"}");
    }

    @Test
    void loadsRejectsInvalidJsonClearly() {
        assertThatThrownBy(() -> PythonJson.loads("{\"a\": }")).hasMessageStartingWith("invalid JSON at offset 6");
        assertThatThrownBy(() -> PythonJson.loads("[1, 2")).hasMessageContaining("expected ']'");
        assertThatThrownBy(() -> PythonJson.loads("{} x")).hasMessageContaining("extra data");
        assertThatThrownBy(() -> PythonJson.loads("[".repeat(10_000))).hasMessageContaining("nested deeper than");
    }

    @Test
    void toolCallArgumentsAreParsedWhenTheyAreAJsonObject() {
        assertThat(ToolCall.ofJsonArguments("1", "f", "{\"x\": 1}").arguments()).isEqualTo(Map.of("x", 1L));
        assertThat(ToolCall.ofJsonArguments("1", "f", "not json").arguments()).isEqualTo("not json");
        assertThat(ToolCall.ofJsonArguments("1", "f", "[1]").arguments()).isEqualTo("[1]");
    }
}
