/**
 * Constrained decoding: the output follows a grammar, token by token.
 *
 * <p>{@link dev.jllm.runtime.sampling.grammar.Grammar} compiles llama.cpp's GBNF to a grammar over bytes
 * (character classes become the byte sequences of their UTF-8 encodings, repetitions right-recursive helper
 * rules). {@link dev.jllm.runtime.sampling.grammar.JsonSchemaGrammar} writes GBNF for a JSON Schema (or any JSON
 * object), {@link dev.jllm.runtime.sampling.grammar.ToolCallFormat} for a forced tool call in a template family's
 * syntax. {@link dev.jllm.runtime.sampling.grammar.GrammarMatcher} follows one generation (a set of grammar
 * stacks) and gives the {@link dev.jllm.runtime.sampling.Sampler} the tokens allowed next, found by walking the
 * vocabulary's {@link dev.jllm.runtime.sampling.grammar.TokenTrie} once per distinct stack (then cached).
 */
package dev.jllm.runtime.sampling.grammar;
