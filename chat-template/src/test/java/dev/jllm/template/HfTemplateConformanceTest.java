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

/**
 * Renders the public chat templates of {@code hf-template-cases.json} with the variables recorded there
 * and compares with the exact text Python transformers produced for them (the huggingface.js Jinja test
 * suite, whose targets were generated with Python). Covers Llama 3.1/3.2, Mistral v0.1-v0.3 and Nemo,
 * Qwen 1.5/2.5/2.5-VL/3/3.5, Zephyr, Hermes, Command R, DeepSeek, SmolLM3 and others.
 */
class HfTemplateConformanceTest {

    /** The date the recorded outputs were made with (their strftime_now). */
    private static final Clock RECORDED_CLOCK =
            Clock.fixed(Instant.parse("2025-07-10T12:00:00Z"), ZoneOffset.UTC);

    static Stream<Arguments> cases() throws IOException {
        try (InputStream in = HfTemplateConformanceTest.class.getResourceAsStream("hf-template-cases.json")) {
            Map<?, ?> file = (Map<?, ?>) PythonJson.loads(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return ((List<?>) file.get("cases"))
                    .stream()
                    .map(Map.class::cast)
                    .map(c -> Arguments.of(c.get("name"), c.get("template"), c.get("context"), c.get("expected")));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void rendersExactlyLikeTransformers(String name, String template, Object context, String expected) {
        String rendered =
                ChatTemplate.of(template, null, null)
                        .withClock(RECORDED_CLOCK)
                        .renderVariables((Map<String, Object>) context);

        assertThat(rendered).as(name).isEqualTo(expected);
    }
}
