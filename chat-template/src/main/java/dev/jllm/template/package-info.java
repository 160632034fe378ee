/**
 * Chat templates: a model's {@code tokenizer.chat_template} (Jinja, Hugging Face style) rendered into a
 * prompt exactly as {@code transformers}' {@code apply_chat_template(..., tokenize=False)} does.
 *
 * <p>Entry points: {@link dev.jllm.template.ChatTemplate} ({@code of(source, bos, eos)}, {@code
 * render(messages, tools, addGenerationPrompt, extra)}), the OpenAI-shaped inputs {@link
 * dev.jllm.template.Message}, {@link dev.jllm.template.ContentPart}, {@link
 * dev.jllm.template.ToolCall}, {@link dev.jllm.template.Tool}, and {@link
 * dev.jllm.template.FallbackTemplates} for files without a template. Failures surface as {@link
 * dev.jllm.template.ChatTemplateException}. {@link dev.jllm.template.ChatJson} gives the engine's tool-call
 * parsers the templates' JSON reader and writer.
 *
 * <p>A template is untrusted code: every render, the trial renders at load included, runs within a {@link
 * dev.jllm.template.RenderBudget} (time and characters), checked at each expression, loop iteration and filter.
 * The module depends on Jinjava only; the engine ({@code runtime}) depends on it.
 *
 * <p>Rendering uses Jinjava, configured and extended to behave like Python Jinja2 in the ways chat
 * templates rely on: the source is first normalised ({@code TemplateSourceRewriter}, {@code
 * ExpressionRewriter}: trailing newline, lstrip_blocks, {@code not} precedence, slices with steps,
 * keyword-argument grouping, dicts in parentheses), then rendered with Python string/dict methods, HF's
 * {@code tojson}/{@code raise_exception}/{@code strftime_now}, Jinja2's for-loop filter and
 * {@code previtem}/{@code nextitem}, Python truthiness in {@code if}, and Python {@code str()} output.
 *
 * <p>Known differences from Jinja2 that remain (none is used by the templates in the tests): an explicit
 * None prints as "" and is not {@code defined} (Jinjava cannot tell None from undefined); {@code and} /
 * {@code or} inside expressions return booleans and treat the string "false" as false; chained
 * comparisons ({@code a < b < c}); string repetition only as {@code 'literal' * n}; {@code str.format} and
 * {@code %} formatting; recursive loops; tuples behave as lists.
 */
package dev.jllm.template;
