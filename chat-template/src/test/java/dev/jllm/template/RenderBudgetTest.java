package dev.jllm.template;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Hostile templates end within their budget, at load or for the input that sets them off, and say why. */
class RenderBudgetTest {

    private static final RenderBudget BUDGET = new RenderBudget(Duration.ofMillis(300), 1 << 20);
    /** The budget plus room for a busy machine: a render that overran would take minutes, not this. */
    private static final long PATIENCE_MS = 3_000;

    @BeforeAll
    static void warmUp() {
        // Jinjava's first template loads its classes: seconds on a busy machine, not part of any budget.
        ChatTemplate.of("{{ messages[0].content }}", null, null, BUDGET);
    }

    private static final String NESTED_LOOPS = "{% for i in range(1000) %}{% for j in range(1000) %}"
            + "{% for k in range(1000) %}{% endfor %}{% endfor %}{% endfor %}{{ messages[0].content }}";

    @ParameterizedTest
    @ValueSource(strings = {
        NESTED_LOOPS,
        "{% for i in range(10**9) %}{% endfor %}",
        // a loop that prints nothing, nested in one that filters
        "{% for i in range(100000) if i >= 0 %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        // recursion that never goes deeper than the macro limit but branches: 2^40 calls
        "{% macro f(n) %}{% if n < 40 %}{{ f(n + 1) }}{{ f(n + 1) }}{% endif %}{% endmacro %}{{ f(0) }}",
        // output growth
        "{% for i in range(10**7) %}{{ 'a long line of output ' * 10 }}{% endfor %}",
        // string growth: doubling a string in a loop
        "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
        "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}",
        "{{ 'x' * 1000000000000 }}",
        "{{ 'x'|center(1000000000) }}",
        "{{ '%1000000000s'|format('x') }}",
        "{{ range(10**6) }}",
        // Jinjava's join would cut this short with only a warning
        "{{ range(200000)|join(',') }}",
        "{{ ('x' * 1000).replace('', 'yyyyyyyyyy' * 1000) }}",
        "{{ messages|tojson(indent=10**9) }}",
        "{{ messages[0].content|indent(10**9, true) }}",
        // collection growth
        "{% set ns = namespace(l=[1]) %}{% for i in range(64) %}{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l|length }}",
        "{% set l = [] %}{% for i in range(10**8) %}{% set _ = l.append(i) %}{% endfor %}{{ l|length }}",
    })
    void aRunawayTemplateIsUnusableAtLoad(String source) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> ChatTemplate.of(source, "<s>", "</s>", BUDGET))
                .isInstanceOfSatisfying(ChatTemplateException.class, e -> {
                    assertThat(e.overBudget()).as(e.getMessage()).isTrue();
                    assertThat(e.raisedByTemplate()).isFalse();
                })
                .hasMessageContaining("unusable")
                .hasMessageContaining("300 ms");
        assertThat(elapsedMs(start)).isLessThan(PATIENCE_MS);
    }

    @Test
    void aTemplateThatExplodesOnlyForSomeInputsFailsThatRequestAndServesTheOthers() {
        ChatTemplate template = ChatTemplate.of("{% if messages|length > 1 %}" + NESTED_LOOPS + "{% endif %}"
                + "{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}", null, null, BUDGET);
        assertThat(template.render(List.of(Message.user("hi")), true)).isEqualTo("<user>hi");

        long start = System.nanoTime();
        assertThatThrownBy(() -> template.render(List.of(Message.user("a"), Message.assistant("b")), true))
                .isInstanceOfSatisfying(ChatTemplateException.class, e -> assertThat(e.overBudget()).isTrue())
                .hasMessageContaining("more than 300 ms");
        long took = elapsedMs(start);
        assertThat(took).isGreaterThanOrEqualTo(300).isLessThan(PATIENCE_MS);
        // the thread is free and the template still serves what it can
        assertThat(template.render(List.of(Message.user("again")), true)).isEqualTo("<user>again");
    }

    @Test
    void bigButFiniteWorkWithinTheBudgetRenders() {
        ChatTemplate template = ChatTemplate.of("{% for m in messages %}{{ m.content }}{% endfor %}", null, null, BUDGET);
        List<Message> many = java.util.stream.IntStream.range(0, 2_000).mapToObj(i -> Message.user("message " + i))
                .toList();
        assertThat(template.render(many, true)).startsWith("message 0message 1").endsWith("message 1999");
        assertThat(ChatTemplate.of("{{ range(5000)|length }}", null, null, BUDGET).render(List.of(), true))
                .as("range is not cut at Jinjava's 1000").isEqualTo("5000");
    }

    @Test
    void theDefaultBudgetIsWhatTheDocsSay() {
        assertThat(RenderBudget.DEFAULT.time()).isEqualTo(Duration.ofSeconds(5));
        assertThat(RenderBudget.DEFAULT.maxChars()).isEqualTo(16L << 20);
        assertThat(ChatTemplate.of("{{ messages[0].content }}", null, null).budget()).isEqualTo(RenderBudget.DEFAULT);
        assertThatThrownBy(() -> new RenderBudget(Duration.ZERO, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RenderBudget(Duration.ofSeconds(1), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRealTemplateRendersALongToolConversationWellWithinTheDefaultBudget() {
        ChatTemplate template = ChatTemplateModelsTest.load("llama-3.1-instruct.jinja", "<|begin_of_text|>",
                "<|eot_id|>");
        List<Message> conversation = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            conversation.add(Message.user("question " + i + " ".repeat(200)));
            conversation.add(Message.assistant("answer " + i + " ".repeat(200)));
        }
        conversation.add(Message.user("last"));
        Tool tool = new Tool("get_weather", "weather", Map.of("type", "object",
                "properties", Map.of("city", Map.of("type", "string"))));
        long start = System.nanoTime();
        String prompt = template.render(conversation, List.of(tool), true, Map.of());
        assertThat(prompt).contains("question 199").contains("get_weather");
        assertThat(elapsedMs(start)).isLessThan(RenderBudget.DEFAULT.time().toMillis());
    }

    private static long elapsedMs(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
