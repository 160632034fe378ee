/**
 * What the other wire formats (OpenAI's Responses API, Anthropic's Messages API) share: one generation run through
 * the Chat Completions machinery and read back as blocks (text, reasoning, tool calls), whole or streamed, plus the
 * translation of tools and JSON values both formats need. Each format's package only maps its own shapes.
 */
package dev.jllm.server.translate;
