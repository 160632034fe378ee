package dev.jllm.server.ollama;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Ollama templates {@code /api/generate} fills in itself, and the ones it refuses rather than guess at. */
class GenerateTemplateTest {

    @Test
    void fillsSystemPromptAndStopsAtResponse() {
        assertThat(GenerateRoute.fill("<s>[INST] {{ .System }} {{ .Prompt }} [/INST]{{ .Response }}</s>", "Be brief.",
                "Hi")).isEqualTo("<s>[INST] Be brief. Hi [/INST]");
        assertThat(GenerateRoute.fill("Q: {{.Prompt}}\nA:", "", "2+2?")).isEqualTo("Q: 2+2?\nA:");
        assertThat(GenerateRoute.fill("A  {{- .Prompt -}}   B", "", "x")).isEqualTo("AxB");
    }

    @Test
    void refusesOtherGoTemplateActions() {
        assertThatThrownBy(() -> GenerateRoute.fill("{{ if .System }}{{ .System }}{{ end }}{{ .Prompt }}", "", "x"))
                .isInstanceOf(OllamaException.class).hasMessageContaining("{{ if .System }}");
    }
}
