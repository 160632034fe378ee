package dev.jllm.template;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Jinja2 behaviour chat templates depend on, one construct at a time. Each expected value is what Python
 * Jinja2 (with HF's trim_blocks=True, lstrip_blocks=True) renders; several are places where stock Jinjava
 * renders something else.
 */
class JinjaSemanticsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-07-26T09:05:03Z"), ZoneOffset.UTC);

    private static String render(String template) {
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("s", "  Hello World  ");
        variables.put("d", PythonJson.loads("{\"b\": 1, \"a\": [1, 2], \"c\": {\"x\": \"y\"}}"));
        variables.put("xs", List.of(1L, 2L, 3L, 4L));
        variables.put("none_value", null);
        return ChatTemplate.of(template, "<s>", "</s>").withClock(CLOCK).renderVariables(variables);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                // whitespace control
                "`{% if true %}\nx\n{% endif %}\ny`                      | `x\ny`",
                "`a\n    {% if true %}\n    b\n    {% endif %}\nc`         | `a\n    b\nc`",
                "`{{ 'n' }}: {% if true %}yes{% endif %}`                 | `n: yes`",
                "`a\n  {%+ if true %}b{% endif %}`                        | `a\n  b`",
                "`a   {{- 'b' -}}   c`                                    | abc",
                "`a\n  {# note #}\nb`                                     | `a\nb`",
                "`{{ 'x' }}\n`                                            | x",
                "`{{ 'x' }}\n\n`                                          | `x\n`",
                // loops
                "`{% for x in xs %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}` | 13",
                "`{% for x in xs %}{{ loop.index0 }}{{ loop.first }}{{ loop.last }};{% endfor %}` | 0TrueFalse;1FalseFalse;2FalseFalse;3FalseTrue;",
                "`{% for x in xs if x is even %}{{ x }}{{ loop.last }};{% endfor %}` | 2False;4True;",
                "`{% for x in xs %}{{ loop.previtem }}>{{ loop.nextitem }};{% endfor %}` | >2;1>3;2>4;3>;",
                "`{% for x in [] %}x{% else %}empty{% endfor %}`          | empty",
                "`{% for k in d %}{{ k }}{% endfor %}`                    | bac",
                "`{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}` | `b=1;a=[1, 2];c={'x': 'y'};`",
                "`{% for k, v in d|items %}{{ k }};{% endfor %}`          | b;a;c;",
                "`{% for c in 'abc' %}{{ c }}.{% endfor %}`               | a.b.c.",
                // scoping and namespace
                "`{% set a = 1 %}{% for x in xs %}{% set a = 2 %}{% endfor %}{{ a }}` | 1",
                "`{% if true %}{% set b = 3 %}{% endif %}{{ b }}`         | 3",
                "`{% set ns = namespace(n=0) %}{% for x in xs %}{% set ns.n = ns.n + x %}{% endfor %}{{ ns.n }}` | 10",
                "`{% set ns = namespace(last=xs|length - 1) %}{{ ns.last }}` | 3",
                "`{% macro f(n) %}{% if n > 0 %}{{ n }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(3) }}` | 321",
                // strings
                "`[{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}]`    | `[Hello World|Hello World  |  Hello World]`",
                "`{{ 'xxaxx'.strip('x') }}{{ '\n\nb\n'.lstrip('\n') }}`    | `ab\n`",
                "`{{ s.split() }}{{ 'a,b,,c'.split(',') }}{{ 'a b c'.split(' ', 1) }}` | `['Hello', 'World']['a', 'b', '', 'c']['a', 'b c']`",
                "`{{ 'a.b.c'.rsplit('.', 1) }}{{ 'x</think>y'.split('</think>')[-1] }}` | `['a.b', 'c']y`",
                "`{{ 'abc'.startswith('ab') }}{{ 'abc'.endswith(('x', 'c')) }}{{ 'abc'.startswith('b') }}` | TrueTrueFalse",
                "`{{ 'hello wORLD'.title() }}|{{ 'ab'.upper() }}|{{ 'AB'.lower() }}|{{ 'aaa'.replace('a', 'b', 2) }}` | `Hello World|AB|ab|bba`",
                "`{{ 'abcdef'[1:3] }}{{ 'abcdef'[::2] }}{{ 'abc'[::-1] }}{{ 'abc'[0] }}{{ 'abc'[-1] }}` | bcacecbaac",
                "`{{ '  x  ' | trim }}|{{ 'abc' | length }}|{{ xs | length }}` | `x|3|4`",
                "`{{ 'ab' * 2 }}{{ ('-' * 3) ~ '>' }}`                    | abab--->",
                // lists, slices, dicts
                "`{{ xs[1:] }}{{ xs[:-1] }}{{ xs[::-1] }}{{ xs[xs|length - 2:] }}{{ xs[1::2] }}` | `[2, 3, 4][1, 2, 3][4, 3, 2, 1][3, 4][2, 4]`",
                "`{{ d.c.x }}{{ d['c']['x'] }}{{ d.get('zz', 'dflt') }}{{ d.a.0 }}` | yydflt1",
                "`{{ {'a': {'b': 1}} }}`                                   | `{'a': {'b': 1}}`",
                "`{% set m = ({'k1': 1, 'k2': 2}) %}{% for k in m %}{{ k }}{% endfor %}` | k1k2",
                "`{{ dict(x=1, y='z') }}`                                  | `{'x': 1, 'y': 'z'}`",
                // tests and operators
                "`{{ s is string }}{{ d is mapping }}{{ s is iterable }}{{ xs is sequence }}{{ 1 is iterable }}` | TrueTrueTrueTrueFalse",
                "`{{ not s is defined }}{{ not zz is defined }}{{ not 1 == 2 }}{{ 'b' not in 'abc' }}{{ none_value is none }}` | FalseTrueTrueFalseTrue",
                "`{{ 1+1 }}{{ xs|length-1 }}{{ 7 // 2 }}{{ 7 % 3 }}{{ 2 ** 3 }}{{ 10 / 4 }}` | 233182.5",
                "`{{ true }}{{ none_value }}{{ 1.0 }}{{ [1, 'a', none] }}` | `True1.0[1, 'a', None]`",
                "`{% if 'false' %}python-truthy{% endif %}`                | python-truthy",
                "`{{ 'y' if xs else 'n' }}{{ 'y' if [] else 'n' }}`        | yn",
                // HF helpers
                "`{{ {'a': 1, 'b': [1.5, none, true]} | tojson }}`         | `{\"a\": 1, \"b\": [1.5, null, true]}`",
                "`{{ 'a<b'|safe|tojson }}{{ [1]|tojson|safe }}{% if 'false'|safe %}!{% endif %}` | `\"a<b\"[1]!`",
                "`{{ strftime_now('%d %b %Y') }}|{{ strftime_now is defined }}` | `26 Jul 2024|True`",
                "`{% filter upper %}a{{ 'b' }}{% endfilter %}`             | AB",
                "`{% generation %}kept{% endgeneration %}`                | kept",
                "`{{ xs|max }}{{ xs|min }}{{ [{'a': 2}, {'a': 1}]|min(attribute='a') }}` | `41{'a': 1}`",
                "`{% set args = '{\\\"k\\\": [1, 2]}' | from_json %}{{ args.k[1] }}` | 2",
                "`{{ 'a\nb\n\nc' | indent(2) }}`                          | `a\n  b\n\n  c`",
                "`{{ 'a\nb' | indent(2, first=true) }}`                   | `  a\n  b`",
            })
    void rendersLikePythonJinja(String template, String expected) {
        assertThat(render(unescape(template))).isEqualTo(unescape(expected));
    }

    @Test
    void messageTextIsNeverEvaluated() {
        ChatTemplate template = ChatTemplate.of("{% for m in messages %}{{ m.content }}{% endfor %}", "<s>", "</s>");

        assertThat(template.render(List.of(Message.user("{{ bos_token }}{% if true %}x{% endif %}")), false))
                .isEqualTo("{{ bos_token }}{% if true %}x{% endif %}");
    }

    @Test
    void toolsAreUndefinedWhenNoneAreGiven() {
        ChatTemplate template = ChatTemplate.of("{{ tools is defined }}|{{ tools|length if tools is defined }}", null, null);

        assertThat(template.render(List.of(), null, false, Map.of())).isEqualTo("False|");
        assertThat(template.render(List.of(), List.of(new Tool("f", null, null)), false, Map.of())).isEqualTo("True|1");
    }

    @Test
    void extraVariablesOverrideTheDefaults() {
        ChatTemplate template = ChatTemplate.of("{{ bos_token }}{{ add_generation_prompt }}{{ custom }}", "<s>", "</s>");

        assertThat(template.render(List.of(), null, true, Map.of("bos_token", "[B]", "custom", 7L))).isEqualTo("[B]True7");
    }

    /** CsvSource keeps backslash escapes literal; the cases spell newlines as \n. */
    private static String unescape(String s) {
        return s.replace("\\n", "\n").replace("\\\"", "\"");
    }
}
