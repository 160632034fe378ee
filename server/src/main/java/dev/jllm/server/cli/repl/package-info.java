/**
 * {@code jllm run}'s chat loop: line input (JLine on a terminal, plain lines from a pipe), slash commands, the
 * conversation and its trimming to the context, streamed and word-wrapped answers, and the two places answers come
 * from (a running {@code jllm serve}, or the engine in this process).
 */
package dev.jllm.server.cli.repl;
