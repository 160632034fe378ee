/**
 * {@link dev.jllm.api.json.Json}, the single JSON-B mapper, and the (de)serializers for the OpenAI fields that
 * take more than one shape: message content (string or parts), stop (string or list), tool_choice (string or
 * object).
 */
package dev.jllm.api.json;
