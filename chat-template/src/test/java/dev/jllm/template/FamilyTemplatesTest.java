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
 * The chat templates of the families added with their architectures (Phi-3, Gemma 2, Gemma 3, Qwen3 / Qwen3-MoE)
 * render exactly the text real Jinja2 renders with Hugging Face's {@code apply_chat_template} settings, for
 * conversations with and without a system prompt, several turns, tools and tool results, thinking on and off and
 * reasoning kept or dropped; the templates' own errors (Gemma's system role, roles out of turn) are raised with
 * the same message. Cases: {@code family-template-cases.json}, written by {@code families/render.py}.
 */
class FamilyTemplatesTest {

        private static final Clock RECORDED_CLOCK = Clock.fixed(Instant.parse("2025-07-10T12:00:00Z"), ZoneOffset.UTC);

        static Stream<Arguments> cases() throws IOException {
                try (InputStream in = FamilyTemplatesTest.class.getResourceAsStream("family-template-cases.json")) {
                        Map<?, ?> file = (Map<?, ?>) PythonJson.loads(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                        return ((List<?>) file.get("cases")).stream().map(Map.class::cast)
                                        .map(c -> Arguments.of(c.get("name"), c.get("template"), c.get("context"), c.get("expected"), c.get("error")));
                }
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("cases")
        @SuppressWarnings("unchecked")
        void rendersLikeJinja2(String name, String file, Object context, String expected, String error) throws IOException {
                String source;
                try (InputStream in = FamilyTemplatesTest.class.getResourceAsStream("templates/" + file)) {
                        source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                ChatTemplate template = ChatTemplate.of(source, null, null).withClock(RECORDED_CLOCK);
                if (error != null) {
                        assertThatThrownBy(() -> template.renderVariables((Map<String, Object>) context)).as(name)
                                        .hasMessageContaining(error);
                } else {
                        assertThat(template.renderVariables((Map<String, Object>) context)).as(name).isEqualTo(expected);
                }
        }
}
