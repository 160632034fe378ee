/**
 * The OpenAI request contract, written once for every layer: parameter ranges ({@link dev.jllm.api.contract.Range})
 * and allowed members and values ({@link dev.jllm.api.contract.OpenAiRules}). The server's validators and the
 * engines both check against it; a refusal names the parameter in {@link dev.jllm.api.LlmException#param()}.
 */
package dev.jllm.api.contract;
