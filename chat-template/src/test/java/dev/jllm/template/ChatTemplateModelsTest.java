package dev.jllm.template;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real chat templates of popular models (see templates/SOURCES.md) rendered through the public API
 * ({@link Message} and {@link Tool} values), with the exact text {@code apply_chat_template(..., tokenize=False)}
 * gives. The cases are {@code model-template-cases.json}: its "about" says what a case holds, each case's "why"
 * how its expected text follows from the template where it is not obvious.
 */
class ChatTemplateModelsTest {

    static Stream<Arguments> cases() throws IOException {
        try (InputStream in = ChatTemplateModelsTest.class.getResourceAsStream("model-template-cases.json")) {
            Map<?, ?> file = (Map<?, ?>) PythonJson.loads(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return ((List<?>) file.get("cases")).stream().map(Map.class::cast)
                    .map(c -> Arguments.of(c.get("name"), c));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rendersLikeTransformers(String name, Map<String, Object> c) {
        ChatTemplate loaded = load((String) c.get("template"), (String) c.get("bos"), (String) c.get("eos"));
        ChatTemplate template = c.get("clock") == null ? loaded
                : loaded.withClock(Clock.fixed(Instant.parse((String) c.get("clock")), ZoneOffset.UTC));
        if (c.get("typed_content") != null) {
            assertThat(template.supportsTypedContent()).as(name).isEqualTo(c.get("typed_content"));
        }
        for (Map<String, Object> r : maps(c.get("renders"))) {
            List<Message> messages = maps(r.get("messages")).stream().map(ChatTemplateModelsTest::message).toList();
            List<Tool> tools = r.get("tools") == null ? null
                    : maps(r.get("tools")).stream().map(ChatTemplateModelsTest::tool).toList();
            boolean addGenerationPrompt = (Boolean) r.get("add_generation_prompt");
            @SuppressWarnings("unchecked")
            Map<String, Object> kwargs = r.get("kwargs") == null ? Map.of() : (Map<String, Object>) r.get("kwargs");
            if (r.get("expected") != null) {
                assertThat(template.render(messages, tools, addGenerationPrompt, kwargs)).as(name)
                        .isEqualTo(r.get("expected"));
                continue;
            }
            var thrown = assertThatThrownBy(() -> template.render(messages, tools, addGenerationPrompt, kwargs))
                    .as(name).isInstanceOf(ChatTemplateException.class);
            if (r.get("error") != null) {
                thrown.hasMessage((String) r.get("error"));
            } else {
                thrown.hasMessageContaining((String) r.get("error_containing"));
            }
            if (r.get("raised_by_template") != null) {
                thrown.satisfies(e -> assertThat(((ChatTemplateException) e).raisedByTemplate())
                        .isEqualTo(r.get("raised_by_template")));
            }
        }
    }

    /** A case file's message: what {@link Message}'s factories would make of the same fields. */
    private static Message message(Map<String, Object> m) {
        List<ContentPart> parts = m.get("parts") == null ? null
                : ((List<?>) m.get("parts")).stream().map(p -> ContentPart.text((String) p)).toList();
        List<ToolCall> calls = m.get("tool_calls") == null ? null
                : maps(m.get("tool_calls")).stream().map(t -> ToolCall.ofJsonArguments((String) t.get("id"),
                        (String) t.get("name"), (String) t.get("arguments"))).toList();
        return new Message((String) m.get("role"), (String) m.get("content"), parts, (String) m.get("name"), calls,
                (String) m.get("tool_call_id"), (String) m.get("reasoning_content"));
    }

    @SuppressWarnings("unchecked")
    private static Tool tool(Map<String, Object> t) {
        return new Tool((String) t.get("name"), (String) t.get("description"),
                (Map<String, Object>) t.get("parameters"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object list) {
        return (List<Map<String, Object>>) list;
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
