package dev.jllm.template;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad templates and rejected conversations end in a ChatTemplateException with a readable message. */
class ChatTemplateErrorsTest {

    private static final List<Message> HELLO = List.of(Message.user("Hello"));

    @Test
    void aTemplateThatDoesNotParseIsRejectedWhenLoaded() {
        assertThatThrownBy(() -> ChatTemplate.of("{% for m in messages %}{{ m.content }}", null, null))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageStartingWith("chat template does not parse at line 1:")
                .hasMessageContaining("endfor");
    }

    @Test
    void unknownFiltersAndTestsAreRejectedWhenLoaded() {
        // Jinjava would render nothing for them; Jinja2 refuses to compile such a template.
        assertThatThrownBy(() -> ChatTemplate.of("{{ messages|shuffle_words }}", null, null))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("chat template uses an unknown filter: shuffle_words");
        assertThatThrownBy(() -> ChatTemplate.of("{% if messages is not prime %}x{% endif %}", null, null))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessage("chat template uses an unknown test: prime");
    }

    @Test
    void aBrokenExpressionIsReportedWithItsLine() {
        ChatTemplate template = ChatTemplate.of("line one\n{{ messages[0].content + }}", null, null);

        assertThatThrownBy(() -> template.render(HELLO, false))
                .isInstanceOfSatisfying(ChatTemplateException.class, e -> assertThat(e.raisedByTemplate()).isFalse())
                .hasMessageStartingWith("chat template failed at line 2:");
    }

    @Test
    void anUnknownFunctionIsAnError() {
        ChatTemplate template = ChatTemplate.of("{{ no_such_function(1) }}", null, null);

        assertThatThrownBy(() -> template.render(HELLO, false))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("no_such_function");
    }

    @Test
    void raiseExceptionCarriesTheTemplatesMessage() {
        ChatTemplate template =
                ChatTemplate.of("{% for m in messages %}{% if m.role == 'user' %}{{ raise_exception('Only ' + 'assistants here') }}{% endif %}{% endfor %}", null, null);

        assertThatThrownBy(() -> template.render(HELLO, false))
                .isInstanceOfSatisfying(ChatTemplateException.class, e -> assertThat(e.raisedByTemplate()).isTrue())
                .hasMessage("chat template rejected the conversation: Only assistants here");
    }

    @Test
    void runawayMacroRecursionIsAnError() {
        ChatTemplate template = ChatTemplate.of("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}", null, null);

        assertThatThrownBy(() -> template.render(HELLO, false))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("Max recursion limit of 64 reached for macro 'f'");
    }

    @Test
    void aForLoopWithoutAnIterableIsAnError() {
        ChatTemplate template = ChatTemplate.of("{% for x in %}{% endfor %}", null, null);

        assertThatThrownBy(() -> template.render(HELLO, false))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("for <names> in <expression>");
    }

    @Test
    void messagesNeverContainAStackTrace() {
        ChatTemplate template = ChatTemplate.of("{{ messages[0].content.split('') }}", null, null);

        assertThatThrownBy(() -> template.render(HELLO, false))
                .isInstanceOf(ChatTemplateException.class)
                .hasMessageContaining("empty separator")
                .hasMessageNotContaining("\tat ");
    }

    @Test
    void rendersConcurrentlyFromOneInstance() throws Exception {
        ChatTemplate template = ChatTemplateModelsTest.load("qwen3.jinja", null, "<|im_end|>");
        String expected = template.render(List.of(Message.user("q0")), true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                int n = i;
                results.add(pool.submit(() -> template.render(List.of(Message.user("q" + n)), true)));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(expected.replace("q0", "q" + i));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
